package io.streamingclicks.job.sink;

import io.streamingclicks.contract.Warehouse;
import io.streamingclicks.job.support.QueryCommits;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The skip check's reading of a table's snapshots, on Iceberg's in-memory catalog: real commits, no Spark. */
class SnapshotBatchesTest {

    private QueryCommits commits;
    private Table table;

    @BeforeEach
    void table() {
        commits = new QueryCommits("pv");
        table = commits.table();
    }

    @Test
    void theNewestCommitOfTheQueryInTheCurrentAncestryCounts() {
        assertThat(SnapshotBatches.lastBatch(table, "q1")).isEmpty();
        append("q1", 3);
        append("q2", 9);
        append(null, -1); // a commit without a query id, as compaction's
        append("q1", 7);
        append(null, -1);
        assertThat(SnapshotBatches.lastBatch(table, "q1")).isEqualTo(OptionalLong.of(7));
        assertThat(SnapshotBatches.lastBatch(table, "q2")).isEqualTo(OptionalLong.of(9));
        assertThat(SnapshotBatches.lastBatch(table, "q3")).isEmpty();
    }

    @Test
    void aRolledBackCommitIsNoLongerTheTables() {
        append("q1", 1);
        long before = table.currentSnapshot().snapshotId();
        append("q1", 2);
        table.manageSnapshots().rollbackTo(before).commit();
        assertThat(SnapshotBatches.lastBatch(table, "q1")).isEqualTo(OptionalLong.of(1));
    }

    @Test
    void aQueryIdWithoutABatchIdIsRefused() {
        table.newFastAppend().appendFile(QueryCommits.file()).set(Warehouse.SUMMARY_QUERY_ID, "q1").commit();
        assertThatThrownBy(() -> SnapshotBatches.lastBatch(table, "q1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(Warehouse.SUMMARY_BATCH_ID);
    }

    private void append(String queryId, long batch) {
        commits.append(queryId, batch);
    }
}
