package io.streamingclicks.accounting.iceberg;

import java.util.Map;

/**
 * One snapshot of an Iceberg table, as much as link 3 needs of it: its id, its parent's (null for the first one, or
 * when the parent was expired the id stays but the snapshot is gone), its operation ({@code append},
 * {@code replace}, ...) and its summary, where the job's writer records the streaming query's id and batch id
 * ({@code io.streamingclicks.contract.Warehouse#SUMMARY_QUERY_ID}, {@code SUMMARY_BATCH_ID}). The callers read it
 * with their own Iceberg library (the validator's iceberg-core, the job's iceberg-spark-runtime): accounting does
 * not depend on Iceberg.
 */
public record TableSnapshot(long snapshotId, Long parentId, String operation, Map<String, String> summary) {

    public TableSnapshot {
        summary = Map.copyOf(summary);
    }
}
