package io.streamingclicks.job.sink;

import io.streamingclicks.contract.Warehouse;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The skip check's reading of a table's snapshots, on Iceberg's in-memory catalog: real commits, no Spark. */
class SnapshotBatchesTest {

    private Table table;

    @BeforeEach
    void table() {
        InMemoryCatalog catalog = new InMemoryCatalog();
        catalog.initialize("test", Map.of());
        catalog.createNamespace(Namespace.of("clicks"));
        table = catalog.createTable(TableIdentifier.of("clicks", "pv"),
                new Schema(Types.NestedField.optional(1, "pv", Types.LongType.get())), PartitionSpec.unpartitioned());
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
        table.newFastAppend().appendFile(file()).set(Warehouse.SUMMARY_QUERY_ID, "q1").commit();
        assertThatThrownBy(() -> SnapshotBatches.lastBatch(table, "q1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(Warehouse.SUMMARY_BATCH_ID);
    }

    private void append(String queryId, long batch) {
        var append = table.newFastAppend().appendFile(file());
        if (queryId != null) {
            append.set(Warehouse.SUMMARY_QUERY_ID, queryId).set(Warehouse.SUMMARY_BATCH_ID, Long.toString(batch));
        }
        append.commit();
    }

    private static DataFile file() {
        return DataFiles.builder(PartitionSpec.unpartitioned()).withPath("/tmp/" + UUID.randomUUID() + ".parquet")
                .withFileSizeInBytes(10).withRecordCount(1).build();
    }
}
