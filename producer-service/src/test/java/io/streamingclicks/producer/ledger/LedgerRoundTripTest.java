package io.streamingclicks.producer.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamingclicks.accounting.ledger.LedgerCounts;
import io.streamingclicks.accounting.ledger.LedgerFiles;
import io.streamingclicks.accounting.ledger.LedgerKey;
import io.streamingclicks.accounting.ledger.LedgerSummary;
import io.streamingclicks.producer.send.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void deltasOfSeveralRunsAreSummedAndATornLastLineIsSkipped() throws Exception {
        Instant t = Instant.parse("2026-11-21T22:50:01.250Z");
        try (LedgerWriter run1 = new LedgerWriter(dir, 1000)) {
            run1.answered(t, "/home", false, Outcome.ACKED, 0, 40);
            run1.answered(t, "/home", false, Outcome.ACKED, 0, 41);
            run1.flush();
            run1.answered(t.plusMillis(500), "/home", false, Outcome.IN_DOUBT, -1, -1);
            run1.answered(t, "/home", true, Outcome.FAILED, -1, -1);
            run1.answered(t, "/search", true, Outcome.ACKED, 2, 7);
        }
        try (LedgerWriter run2 = new LedgerWriter(dir, 2000)) {
            run2.answered(t.plusSeconds(5), "/search", false, Outcome.ACKED, 1, 3);
        }
        Files.writeString(dir.resolve("ledger-2000.jsonl"), "{\"type\":\"count\",\"sec", StandardOpenOption.APPEND);

        LedgerSummary s = LedgerSummary.readAll(dir);
        LedgerCounts home = s.counts().get(new LedgerKey(t.getEpochSecond(), "/home", false));
        assertThat(home.acked()).isEqualTo(2);
        assertThat(home.inDoubt()).isEqualTo(1);
        assertThat(s.counts().get(new LedgerKey(t.getEpochSecond(), "/home", true)).failed()).isEqualTo(1);
        assertThat(s.maxAckedOffsets()).containsEntry(0, 41L).containsEntry(1, 3L).containsEntry(2, 7L);
        assertThat(LedgerFiles.runIds(dir)).containsExactly("1000", "2000");
        assertThat(s.lastOnTimeSecond()).isEqualTo(Instant.parse("2026-11-21T22:50:06Z"));
        assertThat(LedgerSummary.read(dir, t.plusSeconds(1), null, null).counts()).hasSize(1);
        assertThat(LedgerSummary.read(dir, null, null, "/search").counts()).hasSize(2);
        assertThat(Files.readAllLines(dir.resolve("ledger-1000.jsonl")).get(0))
                .isEqualTo("{\"type\":\"count\",\"second\":\"2026-11-21T22:50:01Z\",\"page_id\":\"/home\","
                        + "\"lateness\":\"on_time\",\"acked\":2,\"in_doubt\":0,\"failed\":0}");
    }
}
