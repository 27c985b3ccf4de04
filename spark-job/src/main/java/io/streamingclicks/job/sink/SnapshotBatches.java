package io.streamingclicks.job.sink;

import io.streamingclicks.contract.Warehouse;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

import java.util.Map;
import java.util.OptionalLong;

/**
 * The micro-batches a table holds, read from its snapshots' summaries: each commit of a batch records the streaming
 * query's id ({@link Warehouse#SUMMARY_QUERY_ID}) and the batch id ({@link Warehouse#SUMMARY_BATCH_ID}), the way
 * Iceberg's own streaming sink records its query id and epoch. Only the current snapshot's ancestry counts: a snapshot
 * rolled back is no longer the table's.
 */
public final class SnapshotBatches {

    private SnapshotBatches() {
    }

    /**
     * The newest batch id the query {@code queryId} committed to {@code table}: the one in the first snapshot of the
     * current ancestry (newest first) that carries this query id, or empty when none does. Commits without it (a
     * compaction's REPLACE, another query's) are walked past.
     */
    public static OptionalLong lastBatch(Table table, String queryId) {
        Snapshot current = table.currentSnapshot();
        if (current == null) {
            return OptionalLong.empty();
        }
        for (Snapshot s : SnapshotUtil.ancestorsOf(current.snapshotId(), table::snapshot)) {
            Map<String, String> summary = s.summary();
            if (queryId.equals(summary.get(Warehouse.SUMMARY_QUERY_ID))) {
                String batch = summary.get(Warehouse.SUMMARY_BATCH_ID);
                if (batch == null) {
                    throw new IllegalStateException("snapshot " + s.snapshotId() + " of table " + table.name()
                            + " names query " + queryId + " but no " + Warehouse.SUMMARY_BATCH_ID
                            + ": not written by this job");
                }
                return OptionalLong.of(Long.parseLong(batch));
            }
        }
        return OptionalLong.empty();
    }
}
