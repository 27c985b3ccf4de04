package io.streamingclicks.producer.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamingclicks.accounting.ledger.LedgerKey;
import io.streamingclicks.accounting.ledger.LedgerSummary;
import io.streamingclicks.contract.ClickEvent;
import io.streamingclicks.producer.generate.Catalogue;
import io.streamingclicks.producer.generate.EventFactory;
import io.streamingclicks.producer.generate.GeneratorSettings;
import io.streamingclicks.producer.landing.LandingName;
import io.streamingclicks.producer.send.Outcome;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Landing-mode recovery on a real directory, for the crash states a SIGKILL can leave that a process test cannot aim
 * at: files renamed but not booked, a killed roll's temp file, a ledger flush torn mid-write, a recovery itself killed
 * mid-flush. In every case the ledger ends up counting each visible file's lines exactly once, under their lateness.
 */
class LandingRecoveryTest {

    private static final String A = "1795300000000";

    @TempDir
    Path root;
    private Path ledger;
    private Path landing;
    private final EventFactory events = new EventFactory(new Catalogue(50, 5, 1.1, GeneratorSettings.DEFAULT_ACTIONS),
            1000);
    private final SplittableRandom random = new SplittableRandom(7);
    /** What the visible files hold, per key: the ledger must end up equal to this. */
    private final Map<LedgerKey, Long> inFiles = new HashMap<>();

    @BeforeEach
    void dirs() throws IOException {
        ledger = Files.createDirectories(root.resolve("ledger"));
        landing = Files.createDirectories(root.resolve("landing"));
    }

    private record Written(LandingName name, List<ClickEvent> onTime, List<ClickEvent> late) {
        /** Books this file in {@code w} as the live service does at its rename. */
        void book(LedgerWriter w) {
            w.landed(name.run(), name.seq(), () -> {
                onTime.forEach(e -> w.answered(e.eventTime(), e.pageId(), false, Outcome.ACKED, -1, -1));
                late.forEach(e -> w.answered(e.eventTime(), e.pageId(), true, Outcome.ACKED, -1, -1));
            });
        }
    }

    /** A landing file as {@code LandingFiles} writes it: on-time lines, then late ones (8 minutes back). */
    private Written file(String run, long seq, int onTime, int late, boolean visible) throws IOException {
        Instant t = Instant.parse("2026-11-22T01:00:00Z").plusSeconds(seq);
        List<ClickEvent> on = java.util.stream.IntStream.range(0, onTime)
                .mapToObj(i -> events.event(random, t.plusMillis(i * 7L))).toList();
        List<ClickEvent> lt = java.util.stream.IntStream.range(0, late)
                .mapToObj(i -> events.event(random, t.minusSeconds(480).plusMillis(i * 11L))).toList();
        StringBuilder b = new StringBuilder();
        on.forEach(e -> b.append(e.toJson()).append('\n'));
        lt.forEach(e -> b.append(e.toJson()).append('\n'));
        LandingName name = new LandingName(run, seq, late);
        Files.writeString(landing.resolve(visible ? name.fileName() : name.tempName()), b);
        if (visible) {
            on.forEach(e -> inFiles.merge(new LedgerKey(e.eventTime().getEpochSecond(), e.pageId(), false), 1L,
                    Long::sum));
            lt.forEach(e -> inFiles.merge(new LedgerKey(e.eventTime().getEpochSecond(), e.pageId(), true), 1L,
                    Long::sum));
        }
        return new Written(name, on, lt);
    }

    private Map<LedgerKey, Long> acked() {
        Map<LedgerKey, Long> out = new HashMap<>();
        LedgerSummary.readAll(ledger).counts().forEach((k, c) -> {
            if (c.acked() > 0) {
                out.put(k, c.acked());
            }
        });
        return out;
    }

    private LandingRecovery.Result recoverAs(long run) {
        try (LedgerWriter w = LedgerWriter.landing(ledger, run)) {
            return LandingRecovery.recover(ledger, landing, Long.toString(run), w);
        }
    }

    /** Cuts {@code bytes} off the end of a ledger file, as a SIGKILL inside a flush's write can. */
    private void tear(String run, int bytes) throws IOException {
        Path f = ledger.resolve("ledger-" + run + ".jsonl");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - bytes);
        }
    }

    @Test
    void renamedButUnbookedFilesAreBookedOnceWithTheirLatenessAndTempFilesDeleted() throws IOException {
        LedgerWriter a = LedgerWriter.landing(ledger, Long.parseLong(A));
        file(A, 0, 40, 5, true).book(a);
        a.flush();
        // Killed here: files 1 and 2 renamed after the last flush, file 3 still a temp file.
        file(A, 1, 30, 0, true);
        file(A, 2, 20, 9, true);
        Path temp = landing.resolve(file(A, 3, 25, 3, false).name().tempName());
        // Not ours: a run with no ledger file here, and a name of another shape.
        Files.writeString(landing.resolve(new LandingName("1795200000000", 0, 0).fileName()),
                events.event(random, Instant.now()).toJson() + "\n");
        Files.writeString(landing.resolve("clicks-1795300000500-4.jsonl"), events.event(random, Instant.now()).toJson()
                + "\n");

        LandingRecovery.Result r = recoverAs(1795300100000L);

        assertThat(r).isEqualTo(new LandingRecovery.Result(0, 1, 2, 30 + 20 + 9));
        assertThat(temp).doesNotExist();
        assertThat(acked()).isEqualTo(inFiles);
        assertThat(LedgerSummary.readAll(ledger).landedSeq()).containsEntry(A, 2L).containsEntry("1795300100000", -1L);
        assertThat(landing.resolve("clicks-1795300000500-4.jsonl")).exists();

        // Another start books nothing again.
        assertThat(recoverAs(1795300200000L)).isEqualTo(new LandingRecovery.Result(0, 0, 0, 0));
        assertThat(acked()).isEqualTo(inFiles);
    }

    @Test
    void aFlushTornByTheCrashIsCutOffAndItsFilesBookedOnce() throws IOException {
        LedgerWriter a = LedgerWriter.landing(ledger, Long.parseLong(A));
        file(A, 0, 40, 5, true).book(a);
        a.flush();
        file(A, 1, 30, 4, true).book(a);
        file(A, 2, 35, 0, true).book(a);
        a.flush();
        // Killed inside that flush's write: its closing landed line and the end of a count line never made it.
        String text = Files.readString(ledger.resolve("ledger-" + A + ".jsonl"));
        int lastLine = text.substring(0, text.length() - 1).lastIndexOf('\n') + 1;
        tear(A, text.length() - lastLine + 20);
        assertThat(acked().values().stream().mapToLong(Long::longValue).sum())
                .as("some of the torn flush's counts are on disk").isGreaterThan(45);

        LandingRecovery.Result r = recoverAs(1795300100000L);

        assertThat(acked()).as("ledger acked per key == lines in the visible files").isEqualTo(inFiles);
        assertThat(r.tornFlushesCut()).isEqualTo(1);
        assertThat(r.filesBooked()).isEqualTo(2);
    }

    @Test
    void aRecoveryKilledInsideItsFlushIsRedoneByTheNextStart() throws IOException {
        LedgerWriter a = LedgerWriter.landing(ledger, Long.parseLong(A));
        a.flush();
        file(A, 0, 40, 5, true);
        file(A, 1, 30, 4, true);
        String b = "1795300100000";
        assertThat(recoverAs(Long.parseLong(b)).filesBooked()).isEqualTo(2);
        // The recovering run was killed inside that flush: its closing landed line, the landed line of A's files and
        // the end of a count line never made it to disk.
        String text = Files.readString(ledger.resolve("ledger-" + b + ".jsonl"));
        int closing = text.substring(0, text.length() - 1).lastIndexOf('\n') + 1;
        int landedA = text.substring(0, closing - 1).lastIndexOf('\n') + 1;
        assertThat(text.substring(landedA, closing)).contains("\"run\":\"" + A + "\"");
        tear(b, text.length() - landedA + 10);

        LandingRecovery.Result r = recoverAs(1795300200000L);

        assertThat(acked()).as("ledger acked per key == lines in the visible files").isEqualTo(inFiles);
        assertThat(r.tornFlushesCut()).isEqualTo(1);
        assertThat(r.filesBooked()).isEqualTo(2);
    }

    @Test
    void fileNamesCarryRunSequenceAndLateLines() {
        LandingName n = new LandingName(A, 42, 3);
        assertThat(n.fileName()).isEqualTo("clicks-1795300000000-00000042-3.jsonl");
        assertThat(LandingName.parse(n.fileName())).isEqualTo(n);
        assertThat(LandingName.parseTemp(n.tempName())).isEqualTo(n);
        assertThat(LandingName.parse(n.tempName())).isNull();
        assertThat(LandingName.parse("clicks-1795300000000-7.jsonl")).isNull();
    }
}
