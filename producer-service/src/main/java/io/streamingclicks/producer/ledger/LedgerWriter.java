package io.streamingclicks.producer.ledger;

import io.streamingclicks.accounting.ledger.LedgerCodec;
import io.streamingclicks.accounting.ledger.LedgerCounts;
import io.streamingclicks.accounting.ledger.LedgerFiles;
import io.streamingclicks.accounting.ledger.LedgerKey;
import io.streamingclicks.accounting.ledger.LedgerLine;
import io.streamingclicks.producer.send.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Appends this run's ledger (format: {@code io.streamingclicks.accounting.ledger}, every line through
 * {@link LedgerCodec}): send outcomes are added in memory as they are answered and
 * {@link #flush()} writes them as delta lines, with the highest acknowledged offset per partition. A line is only ever
 * written for sends already answered, so a crash loses at most the last unflushed interval, never invents a count.
 * Landing files booked whole ({@link #landed}) go out as {@code landed} lines, per run, the highest sequence number
 * booked. The landing variant ({@link #landing}) also marks its file with this run's own {@code landed} line, one at
 * open and one closing every flush, so that a flush torn by a crash is recognisable ({@link LandingRecovery}).
 */
public final class LedgerWriter implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private Map<LedgerKey, LedgerCounts> pending = new HashMap<>();
    private final Map<Integer, Long> maxOffsets = new HashMap<>();
    private final Map<Integer, Long> writtenOffsets = new HashMap<>();
    private final String run;
    private final RunMark mark;
    /** Landing mode: per run, the highest file sequence number whose lines are all counted (pending, written). */
    private Map<String, Long> landed = new HashMap<>();
    private final Map<String, Long> writtenLanded = new HashMap<>();
    /** One flush at a time (scheduled, on read, at close); separate from the lock the send callbacks take. */
    private final Object flushLock = new Object();

    /**
     * What marks this run's flushes, given the highest sequence number of its own landing files booked so far (-1:
     * none): written once at open and closing every flush that writes anything.
     */
    @FunctionalInterface
    private interface RunMark {
        String lines(String run, long ownMaxSeq);
    }

    /** A ledger writer for sends to Kafka: counts and offsets, no marks. */
    public LedgerWriter(Path dir, long runStartMs) {
        this(dir, runStartMs, (run, seq) -> "");
    }

    /** For landing files: the file opens with this run's {@code landed} line and every flush closes with one. */
    public static LedgerWriter landing(Path dir, long runStartMs) {
        return new LedgerWriter(dir, runStartMs, (run, seq) -> line(new LedgerLine.Landed(run, seq)));
    }

    private LedgerWriter(Path dir, long runStartMs, RunMark mark) {
        this.run = Long.toString(runStartMs);
        this.file = LedgerFiles.file(dir, run);
        this.mark = mark;
        try {
            Files.createDirectories(dir);
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            write(mark.lines(run, -1));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the ledger " + file + " for appending (DATA_DIR)", e);
        }
    }

    public Path file() {
        return file;
    }

    /**
     * Counts one answered send and, if acknowledged, its offset, in one step: a flush never writes an offset
     * without its count nor a count without its offset, so after a crash the records above the highest written
     * offset are exactly the ones the ledger lacks ({@link LedgerRecovery}).
     */
    public synchronized void answered(Instant eventTime, String pageId, boolean late, Outcome outcome, int partition,
                                      long offset) {
        LedgerCounts c = pending.computeIfAbsent(new LedgerKey(eventTime.getEpochSecond(), pageId, late),
                k -> new LedgerCounts());
        switch (outcome) {
            case ACKED -> c.add(1, 0, 0);
            case IN_DOUBT -> c.add(0, 1, 0);
            case FAILED -> c.add(0, 0, 1);
        }
        if (outcome == Outcome.ACKED && offset >= 0) {
            maxOffsets.merge(partition, offset, Math::max);
        }
    }

    /**
     * Landing mode: runs {@code bookings} (the {@link #answered} calls for every line of landing file {@code seq} of
     * run {@code run}) and marks the file as booked, in one step: a flush writes all of a file's counts and its
     * {@code landed} line, or none of them.
     */
    public synchronized void landed(String run, long seq, Runnable bookings) {
        bookings.run();
        landed.merge(run, seq, Math::max);
    }

    /** The highest sequence number of {@code run}'s landing files booked by a completed flush, or -1. */
    public synchronized long writtenLanded(String run) {
        return writtenLanded.getOrDefault(run, -1L);
    }

    /** Writes every count answered since the last flush, then any partition whose highest acked offset grew. */
    public void flush() {
        synchronized (flushLock) {
            flushOnce();
        }
    }

    private void flushOnce() {
        Map<LedgerKey, LedgerCounts> batch;
        Map<Integer, Long> offsets = new TreeMap<>();
        Map<String, Long> runs;
        synchronized (this) {
            batch = pending;
            pending = new HashMap<>();
            runs = landed;
            landed = new HashMap<>();
            maxOffsets.forEach((p, o) -> {
                if (!o.equals(writtenOffsets.get(p))) {
                    offsets.put(p, o);
                }
            });
        }
        if (batch.isEmpty() && offsets.isEmpty() && runs.isEmpty()) {
            return;
        }
        StringBuilder out = new StringBuilder();
        try {
            for (Map.Entry<LedgerKey, LedgerCounts> e : new TreeMap<>(batch).entrySet()) {
                out.append(line(LedgerLine.Count.of(e.getKey(), e.getValue())));
            }
            Instant at = Instant.now();
            for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
                out.append(line(new LedgerLine.Offset(at, e.getKey(), e.getValue())));
            }
            long own;
            synchronized (this) {
                own = Math.max(runs.getOrDefault(run, -1L), writtenLanded.getOrDefault(run, -1L));
            }
            // Other runs' files (booked by start-up recovery) first; this run's mark last: it closes the flush.
            for (Map.Entry<String, Long> e : new TreeMap<>(runs).entrySet()) {
                if (!e.getKey().equals(run)) {
                    out.append(line(new LedgerLine.Landed(e.getKey(), e.getValue())));
                }
            }
            out.append(mark.lines(run, own));
            write(out.toString());
            synchronized (this) {
                writtenOffsets.putAll(offsets);
                runs.forEach((r, q) -> writtenLanded.merge(r, q, Math::max));
            }
        } catch (IOException e) {
            // Keep the counts for the next flush rather than lose them: the ledger must never under-report a send.
            synchronized (this) {
                batch.forEach((k, v) -> pending.computeIfAbsent(k, x -> new LedgerCounts())
                        .add(v.acked(), v.inDoubt(), v.failed()));
                runs.forEach((r, q) -> landed.merge(r, q, Math::max));
            }
            throw new UncheckedIOException("cannot append to the ledger " + file, e);
        }
    }

    private void write(String text) throws IOException {
        var buf = java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    private static String line(LedgerLine line) {
        return LedgerCodec.encode(line) + "\n";
    }

    @Override
    public void close() {
        flush();
        try {
            channel.force(true);
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the ledger " + file, e);
        }
    }
}
