package io.streamingclicks.accounting.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a (second, page) of the ledger counts as settled: only once a whole flush's offset lines show every
 * partition read by the job. The flush lines are the producer's own format (counts, then one offset line per
 * partition whose highest acknowledged offset moved). Ported from the validator's LedgerReaderTest.
 */
class SettledLedgerTest {

    private static final String FLUSH_1 = """
            {"type":"count","second":"2026-11-22T02:18:34Z","page_id":"/home","lateness":"on_time","acked":3,"in_doubt":0,"failed":0}
            {"type":"offset","at":"2026-11-22T02:18:34.300Z","partition":0,"max_acked_offset":4}
            {"type":"offset","at":"2026-11-22T02:18:34.300Z","partition":1,"max_acked_offset":9}
            {"type":"offset","at":"2026-11-22T02:18:34.300Z","partition":2,"max_acked_offset":7}
            """;
    // One more event of /a, written to partition 1 at offset 10, and one to partition 0 at offset 5.
    private static final String FLUSH_2 = """
            {"type":"count","second":"2026-11-22T02:18:35Z","page_id":"/a","lateness":"on_time","acked":2,"in_doubt":0,"failed":0}
            {"type":"offset","at":"2026-11-22T02:18:35.550Z","partition":0,"max_acked_offset":5}
            {"type":"offset","at":"2026-11-22T02:18:35.550Z","partition":1,"max_acked_offset":10}
            """;
    private static final String FLUSH_3 = """
            {"type":"count","second":"2026-11-22T02:18:36Z","page_id":"/b","lateness":"on_time","acked":1,"in_doubt":0,"failed":0}
            {"type":"offset","at":"2026-11-22T02:18:36.800Z","partition":2,"max_acked_offset":8}
            """;
    private static final SettledLedger.Key SECOND_34 = new SettledLedger.Key(1795313914000L, "/home");
    private static final SettledLedger.Key SECOND_35 = new SettledLedger.Key(1795313915000L, "/a");

    @TempDir
    Path dir;

    @Test
    void aFlushIsSettledOnlyWhenEveryOneOfItsOffsetsHasBeenRead() {
        // The job has read partitions 0 and 2 past the last flush, partition 1 only up to offset 9, not 10.
        Map<SettledLedger.Key, SettledLedger.Sums> settled = read(FLUSH_1 + FLUSH_2 + FLUSH_3, true,
                Map.of(0, 6L, 1, 10L, 2, 9L));
        assertThat(settled).containsKey(SECOND_34).doesNotContainKey(SECOND_35);
    }

    @Test
    void aFlushWhoseOffsetsWereAllReadIsSettled() {
        Map<SettledLedger.Key, SettledLedger.Sums> settled = read(FLUSH_1 + FLUSH_2 + FLUSH_3, true,
                Map.of(0, 6L, 1, 11L, 2, 9L));
        assertThat(settled).containsKeys(SECOND_34, SECOND_35);
        assertThat(settled.get(SECOND_35).acked()).isEqualTo(2);
    }

    @Test
    void theLastFlushOfAFileCutMidLineWaitsForTheRestOfIt() {
        Map<Integer, Long> allRead = Map.of(0, 100L, 1, 100L, 2, 100L);
        assertThat(read(FLUSH_1 + FLUSH_2, false, allRead)).containsKey(SECOND_34).doesNotContainKey(SECOND_35);
        assertThat(read(FLUSH_1 + FLUSH_2, true, allRead)).containsKeys(SECOND_34, SECOND_35);
    }

    @Test
    void onDiskATornLastLineKeepsTheFlushBeforeItOpenAndEveryKeyIsNamed() throws Exception {
        Map<Integer, Long> allRead = Map.of(0, 100L, 1, 100L, 2, 100L);
        Files.writeString(dir.resolve("ledger-1.jsonl"), FLUSH_1 + FLUSH_2 + "{\"type\":\"offset\",\"at\":\"2026");
        SettledLedger l = SettledLedger.read(dir, allRead);
        assertThat(l.present()).isTrue();
        assertThat(l.settled()).containsOnlyKeys(SECOND_34);
        assertThat(l.allKeys()).containsExactlyInAnyOrder(SECOND_34, SECOND_35);
        assertThat(SECOND_34).hasToString("1795313914000|/home");
        assertThat(SettledLedger.Key.of(Instant.parse("2026-11-22T02:18:34Z"), "/home")).isEqualTo(SECOND_34);
    }

    @Test
    void readAllSumsEveryCountLineForTheLandingMode() throws Exception {
        Files.writeString(dir.resolve("ledger-1.jsonl"), "{\"type\":\"landed\",\"run\":\"1\",\"max_seq\":-1}\n"
                + FLUSH_1 + FLUSH_1.lines().findFirst().orElseThrow() + "\n");
        SettledLedger l = SettledLedger.readAll(dir);
        assertThat(l.settled()).containsEntry(SECOND_34, new SettledLedger.Sums(6, 0));
        assertThat(SettledLedger.readAll(dir.resolve("absent")).present()).isFalse();
    }

    private static Map<SettledLedger.Key, SettledLedger.Sums> read(String file, boolean complete,
                                                                  Map<Integer, Long> end) {
        Map<SettledLedger.Key, SettledLedger.Sums> settled = new HashMap<>();
        Set<SettledLedger.Key> unsettled = new HashSet<>();
        SettledLedger.settleFile(LedgerFiles.decode(file), complete, end, settled, unsettled, new HashSet<>());
        unsettled.forEach(settled::remove);
        return settled;
    }
}
