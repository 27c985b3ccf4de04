package io.streamingclicks.accounting.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The producer's view of the ledger (ported from its LedgerRoundTripTest): deltas of several runs summed, a torn
 * last line skipped. The files are what the producer's writer leaves: count lines, offset lines, in landing mode
 * {@code landed} lines.
 */
class LedgerSummaryTest {

    @TempDir
    Path dir;

    static final Instant T = Instant.parse("2026-11-21T22:50:01.250Z");

    static String count(Instant t, String page, boolean late, long acked, long inDoubt, long failed) {
        return LedgerCodec.encode(new LedgerLine.Count(Instant.ofEpochSecond(t.getEpochSecond()), page, late, acked,
                inDoubt, failed));
    }

    static String offset(int partition, long offset) {
        return LedgerCodec.encode(new LedgerLine.Offset(Instant.parse("2026-11-21T22:50:09Z"), partition, offset));
    }

    void write(String run, String... lines) throws Exception {
        Files.writeString(LedgerFiles.file(dir, run), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    @Test
    void deltasOfSeveralRunsAreSummedAndATornLastLineIsSkipped() throws Exception {
        write("1000",
                count(T, "/home", false, 2, 0, 0), offset(0, 41),
                count(T.plusMillis(500), "/home", false, 0, 1, 0), count(T, "/home", true, 0, 0, 1),
                count(T, "/search", true, 1, 0, 0), offset(2, 7));
        write("2000", count(T.plusSeconds(5), "/search", false, 1, 0, 0), offset(1, 3));
        Files.writeString(dir.resolve("ledger-2000.jsonl"), "{\"type\":\"count\",\"sec", StandardOpenOption.APPEND);
        Files.writeString(dir.resolve("notes.txt"), "not a ledger file");

        LedgerSummary s = LedgerSummary.readAll(dir);
        LedgerCounts home = s.counts().get(new LedgerKey(T.getEpochSecond(), "/home", false));
        assertThat(home.acked()).isEqualTo(2);
        assertThat(home.inDoubt()).isEqualTo(1);
        assertThat(s.counts().get(new LedgerKey(T.getEpochSecond(), "/home", true)).failed()).isEqualTo(1);
        assertThat(s.maxAckedOffsets()).containsEntry(0, 41L).containsEntry(1, 3L).containsEntry(2, 7L);
        assertThat(LedgerFiles.runIds(dir)).containsExactly("1000", "2000");
        assertThat(s.lastOnTimeSecond()).isEqualTo(Instant.parse("2026-11-21T22:50:06Z"));
        assertThat(s.lastSecond()).isEqualTo(Instant.parse("2026-11-21T22:50:06Z"));
        assertThat(LedgerSummary.read(dir, T.plusSeconds(1), null, null).counts()).hasSize(1);
        assertThat(LedgerSummary.read(dir, null, null, "/search").counts()).hasSize(2);
        assertThat(LedgerSummary.read(dir, null, T.plusSeconds(1), "/home").counts()).hasSize(2);
    }

    @Test
    void landedLinesGiveTheHighestBookedSequencePerRun() throws Exception {
        String a = "1795300000000";
        write(a, LedgerCodec.encode(new LedgerLine.Landed(a, -1)), count(T, "/home", false, 3, 0, 0),
                LedgerCodec.encode(new LedgerLine.Landed(a, 2)), LedgerCodec.encode(new LedgerLine.Landed(a, 1)));
        write("1795300100000", LedgerCodec.encode(new LedgerLine.Landed("1795300100000", -1)));
        assertThat(LedgerSummary.readAll(dir).landedSeq()).containsEntry(a, 2L).containsEntry("1795300100000", -1L);
        assertThat(LedgerSummary.readAll(dir).maxAckedOffsets()).isEmpty();
    }

    @Test
    void noDirectoryIsAnEmptyLedger() {
        LedgerSummary s = LedgerSummary.readAll(dir.resolve("absent"));
        assertThat(s.counts()).isEmpty();
        assertThat(s.lastOnTimeSecond()).isNull();
        assertThat(LedgerFiles.list(dir.resolve("absent"))).isEmpty();
    }

    @Test
    void aFileKnowsWhetherItEndsWithAWholeLine() throws Exception {
        write("1000", count(T, "/home", false, 2, 0, 0));
        assertThat(LedgerFiles.read(LedgerFiles.file(dir, "1000")).endsWithWholeLine()).isTrue();
        Files.writeString(LedgerFiles.file(dir, "1000"), "{\"type\":\"off", StandardOpenOption.APPEND);
        LedgerFiles.Content c = LedgerFiles.read(LedgerFiles.file(dir, "1000"));
        assertThat(c.endsWithWholeLine()).isFalse();
        assertThat(c.lines()).hasSize(1);
        assertThat(LedgerFiles.runOf(c.file())).isEqualTo("1000");
        assertThat(List.of(LedgerFiles.fileName("1000"))).containsExactly("ledger-1000.jsonl");
    }
}
