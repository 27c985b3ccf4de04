package io.streamingclicks.producer.ledger;

import io.streamingclicks.accounting.ledger.LedgerCodec;
import io.streamingclicks.accounting.ledger.LedgerFiles;
import io.streamingclicks.accounting.ledger.LedgerLine;
import io.streamingclicks.accounting.ledger.LedgerSummary;
import io.streamingclicks.producer.landing.LandingName;
import io.streamingclicks.producer.send.Outcome;
import io.streamingclicks.producer.send.RecordHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Landing mode's start-up recovery, before anything is written: after a crash (SIGKILL) the previous run's last
 * renamed landing files may not be in its ledger. Cuts a flush torn by the crash off the previous runs' ledger files
 * (the lines after a file's last own {@code landed} line), deletes their hidden temp files (never visible, so never
 * sent), and books every visible landing file of a previous run whose sequence number is above what the ledger holds
 * for that run, as acknowledged, from the file's own lines (the name says how many of the last lines are late). The
 * counts and the new {@code landed} lines go out in one flush closed by this run's own {@code landed} line, so a crash
 * during recovery leaves a torn flush that the next start cuts off and redoes: every file is booked exactly once.
 */
public final class LandingRecovery {

    private static final Logger LOG = Logger.getLogger(LandingRecovery.class);

    /** What one recovery did. */
    public record Result(int tornFlushesCut, int tempFilesDeleted, int filesBooked, long eventsBooked) {
    }

    private LandingRecovery() {
    }

    /**
     * @param currentRun this run's id: its ledger file (already opened by {@code writer}) and temp files are left alone
     */
    public static Result recover(Path ledgerDir, Path landingDir, String currentRun, LedgerWriter writer) {
        int cut = 0;
        for (Path f : LedgerFiles.list(ledgerDir)) {
            String run = LedgerFiles.runOf(f);
            if (!run.equals(currentRun) && cutTornFlush(f, run)) {
                cut++;
            }
        }
        LedgerSummary ledger = LedgerSummary.readAll(ledgerDir);
        Set<String> previousRuns = new java.util.HashSet<>(LedgerFiles.runIds(ledgerDir));
        previousRuns.remove(currentRun);

        int temps = 0;
        List<LandingName> unbooked = new ArrayList<>();
        for (Path p : list(landingDir)) {
            String fileName = p.getFileName().toString();
            LandingName temp = LandingName.parseTemp(fileName);
            if (temp != null && !temp.run().equals(currentRun)) {
                delete(p);
                temps++;
                continue;
            }
            LandingName n = LandingName.parse(fileName);
            // Only runs of this producer on this data root (they have a ledger file); another writer's files and
            // names of another shape are not ours to book.
            if (n != null && previousRuns.contains(n.run()) && n.seq() > ledger.landedSeq().getOrDefault(n.run(), -1L)) {
                unbooked.add(n);
            }
        }
        unbooked.sort(Comparator.comparingLong((LandingName n) -> Long.parseLong(n.run()))
                .thenComparingLong(LandingName::seq));
        long events = 0;
        for (LandingName n : unbooked) {
            List<RecordHeaders.Booking> lines = read(landingDir.resolve(n.fileName()), n);
            writer.landed(n.run(), n.seq(), () -> lines.forEach(b -> writer.answered(b.eventTime(), b.pageId(),
                    b.late(), Outcome.ACKED, -1, -1)));
            events += lines.size();
        }
        writer.flush();
        Result r = new Result(cut, temps, unbooked.size(), events);
        if (cut + temps + unbooked.size() > 0) {
            LOG.warnf("ledger recovery (landing): %d events in %d landing files of a previous run were not in the"
                    + " ledger (that run was killed before its last flush); booked as acknowledged. %d torn ledger"
                    + " flush(es) cut off, %d hidden temp file(s) of a killed roll deleted (never visible)",
                    events, unbooked.size(), cut, temps);
        }
        return r;
    }

    /**
     * If {@code file} is a landing-mode ledger file (it has a {@code landed} line of its own run), truncates it after
     * its last such line: what follows is a flush the crash tore. Returns whether anything was cut.
     */
    static boolean cutTornFlush(Path file, String run) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ledger file " + file, e);
        }
        long keep = -1;
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            if (isOwnLanded(new String(bytes, start, i - start, StandardCharsets.UTF_8), run)) {
                keep = i + 1;
            }
            start = i + 1;
        }
        if (keep < 0 || keep == bytes.length) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(keep);
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot cut the torn last flush off the ledger file " + file, e);
        }
        LOG.warnf("ledger recovery (landing): cut %d bytes of a flush torn by a crash off %s", bytes.length - keep,
                file);
        return true;
    }

    private static boolean isOwnLanded(String line, String run) {
        // Most lines are counts: skip the decode unless the line can be a landed one.
        return line.contains(LedgerCodec.TYPE_LANDED) && LedgerCodec.decode(line)
                .filter(l -> l instanceof LedgerLine.Landed landed && landed.run().equals(run)).isPresent();
    }

    /** The events of one landing file; its last {@code late} lines are the deliberately late ones. */
    private static List<RecordHeaders.Booking> read(Path file, LandingName n) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the landing file " + file + " to book it", e);
        }
        List<RecordHeaders.Booking> out = new ArrayList<>();
        int onTime = lines.size() - n.late();
        for (int i = 0; i < lines.size(); i++) {
            RecordHeaders.Booking b = RecordHeaders.booking(lines.get(i),
                    LedgerCodec.lateness(i >= onTime));
            if (b != null) {
                out.add(b);
            } else {
                // Written by this producer and forced before its rename: not an event means someone edited it.
                LOG.warnf("landing file %s line %d is not a contract event; not booked", file, i + 1);
            }
        }
        return out;
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the landing directory " + dir, e);
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the leftover temp file " + p, e);
        }
    }
}
