package io.streamingclicks.validator.dq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * When a (second, page) of the ledger counts as settled: only once a whole flush's offset lines show every
 * partition read by the job. The flush lines are the producer's own format (LedgerWriter: counts, then one offset
 * line per partition whose highest acknowledged offset moved).
 */
class LedgerReaderTest {

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
    private static final String SECOND_34 = "1795313914000|/home";
    private static final String SECOND_35 = "1795313915000|/a";

    @Test
    void aFlushIsSettledOnlyWhenEveryOneOfItsOffsetsHasBeenRead() {
        // The job has read partitions 0 and 2 past the last flush, partition 1 only up to offset 9, not 10.
        Map<String, LedgerReader.Sums> settled = read(FLUSH_1 + FLUSH_2 + FLUSH_3, true, Map.of(0, 6L, 1, 10L, 2, 9L));
        assertThat(settled).containsKey(SECOND_34).doesNotContainKey(SECOND_35);
    }

    @Test
    void aFlushWhoseOffsetsWereAllReadIsSettled() {
        Map<String, LedgerReader.Sums> settled = read(FLUSH_1 + FLUSH_2 + FLUSH_3, true, Map.of(0, 6L, 1, 11L, 2, 9L));
        assertThat(settled).containsKeys(SECOND_34, SECOND_35);
        assertThat(settled.get(SECOND_35).acked()).isEqualTo(2);
    }

    @Test
    void theLastFlushOfAFileCutMidLineWaitsForTheRestOfIt() {
        Map<Integer, Long> allRead = Map.of(0, 100L, 1, 100L, 2, 100L);
        assertThat(read(FLUSH_1 + FLUSH_2, false, allRead)).containsKey(SECOND_34).doesNotContainKey(SECOND_35);
        assertThat(read(FLUSH_1 + FLUSH_2, true, allRead)).containsKeys(SECOND_34, SECOND_35);
    }

    private static Map<String, LedgerReader.Sums> read(String file, boolean complete, Map<Integer, Long> end) {
        Map<String, LedgerReader.Sums> settled = new HashMap<>();
        Set<String> unsettled = new HashSet<>();
        LedgerReader.readFile(List.of(file.split("\n")), complete, end, settled, unsettled, new HashSet<>());
        unsettled.forEach(settled::remove);
        return settled;
    }
}
