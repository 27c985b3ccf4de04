package io.streamingclicks.accounting.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.streamingclicks.contract.Warehouse;

/**
 * The high-water of a streaming read of the events table: the ingest batch of the first snapshot of the ingest
 * query in the ancestry at or before the offset's snapshot, walking past compaction's REPLACE snapshots and the
 * snapshots of other query ids.
 */
public class IngestHighWaterTest {

    static final String INGEST = "ingest-query-id";

    public static TableSnapshot append(long id, Long parent, String query, long batch) {
        return new TableSnapshot(id, parent, "append", Map.of(Warehouse.SUMMARY_QUERY_ID, query,
                Warehouse.SUMMARY_BATCH_ID, Long.toString(batch), "added-data-files", "2"));
    }

    public static TableSnapshot replace(long id, long parent) {
        return new TableSnapshot(id, parent, "replace", Map.of("added-data-files", "1", "deleted-data-files", "4"));
    }

    // ingest batches 0, 2, 3 appended (1 was empty); a compaction after 2; another query's append after 3.
    static final List<TableSnapshot> HISTORY = List.of(append(10, null, INGEST, 0), append(11, 10L, INGEST, 2),
            replace(12, 11), replace(13, 12), append(14, 13L, INGEST, 3), append(15, 14L, "someone-else", 0));

    final IngestHighWater hw = new IngestHighWater(HISTORY, INGEST);

    @Test
    void anAppendOfTheIngestQueryIsItsOwnBatch() {
        assertThat(hw.readTo(new StreamingOffset(10, 2, false))).hasValue(0);
        assertThat(hw.readTo(new StreamingOffset(14, 2, false))).hasValue(3);
    }

    @Test
    void replaceSnapshotsAndOtherQueriesAreWalkedPast() {
        assertThat(hw.readTo(new StreamingOffset(13, 1, false))).as("two REPLACEs, then batch 2").hasValue(2);
        assertThat(hw.readTo(new StreamingOffset(15, 2, false))).as("another query id, then batch 3").hasValue(3);
    }

    @Test
    void theFirstBatchOverAnEmptyTableReadNothing() {
        assertThat(hw.readTo(new StreamingOffset(-1, -1, false))).as("START_OFFSET").hasValue(-1);
        IngestHighWater onlyCompaction = new IngestHighWater(List.of(
                new TableSnapshot(20, null, "replace", Map.of())), INGEST);
        assertThat(onlyCompaction.readTo(new StreamingOffset(20, 0, false))).hasValue(-1);
    }

    @Test
    void anExpiredSnapshotOrAPartReadCannotBeTold() {
        IngestHighWater expired = new IngestHighWater(List.of(replace(13, 12), append(14, 13L, INGEST, 3)), INGEST);
        assertThat(expired.readTo(new StreamingOffset(13, 1, false))).as("parent 12 expired").isEmpty();
        assertThat(expired.readTo(new StreamingOffset(99, 0, false))).as("the offset's own snapshot").isEmpty();
        assertThat(hw.readTo(new StreamingOffset(14, 1, false))).as("1 of its 2 files read").isEmpty();
    }

    @Test
    void aSnapshotOfTheIngestQueryWithoutABatchIdIsNotTheJobs() {
        IngestHighWater odd = new IngestHighWater(List.of(new TableSnapshot(1, null, "append",
                Map.of(Warehouse.SUMMARY_QUERY_ID, INGEST))), INGEST);
        assertThatThrownBy(() -> odd.readTo(new StreamingOffset(1, 1, false)))
                .hasMessageContaining("snapshot 1").hasMessageContaining(Warehouse.SUMMARY_BATCH_ID);
    }
}
