package io.streamingclicks.accounting.iceberg;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

import io.streamingclicks.contract.Warehouse;

/**
 * How far a reader of the events table had read, in ingest batches: for a snapshot, the highest batch id the ingest
 * query committed in the table's ancestry at or before it. Every APPEND of the ingest query records its query id and
 * batch id in the snapshot summary; compaction's REPLACE snapshots record neither and are walked past (their rows
 * were appended, and read, before). An ingest batch with rows is one APPEND snapshot, an empty one none, so the rows
 * of every ingest batch up to the high-water are in the snapshot's ancestry and none of a later one.
 *
 * <p>The walk goes from the snapshot through its parents to the first one that carries the ingest query's id: the
 * same walk the job's writer does to skip a redone batch ({@code SnapshotBatches}). A snapshot of another query id
 * (a checkpoint that is not {@code chk/ingest}'s) is walked past too: its rows are not the ingest query's.
 */
public final class IngestHighWater {

    private final Map<Long, TableSnapshot> snapshots = new HashMap<>();
    private final String ingestQueryId;

    /**
     * @param snapshots     the events table's snapshots (those still in its metadata)
     * @param ingestQueryId the ingest query's id ({@code chk/ingest/metadata})
     */
    public IngestHighWater(Collection<TableSnapshot> snapshots, String ingestQueryId) {
        snapshots.forEach(s -> this.snapshots.put(s.snapshotId(), s));
        this.ingestQueryId = ingestQueryId;
    }

    /**
     * The highest ingest batch a streaming read up to {@code offset} has read: -1 when it read no batch of the ingest
     * query ({@link StreamingOffset#isStart}, or no snapshot of its ancestry carries the query id); empty when it
     * cannot be told: a snapshot of the walk is no longer in the table (expired), or the offset stops inside the
     * ingest batch's snapshot (a read limit: only some of its files read), so the batch was read in part.
     */
    public OptionalLong readTo(StreamingOffset offset) {
        if (offset.isStart()) {
            return OptionalLong.of(-1);
        }
        Long id = offset.snapshotId();
        boolean first = true;
        while (id != null) {
            TableSnapshot s = snapshots.get(id);
            if (s == null) {
                return OptionalLong.empty();
            }
            if (ingestQueryId.equals(s.summary().get(Warehouse.SUMMARY_QUERY_ID))) {
                String batch = s.summary().get(Warehouse.SUMMARY_BATCH_ID);
                if (batch == null) {
                    throw new IllegalStateException("snapshot " + s.snapshotId() + " of the events table names the"
                            + " ingest query " + ingestQueryId + " but no " + Warehouse.SUMMARY_BATCH_ID
                            + ": not written by this job");
                }
                if (first && offset.position() < addedFiles(s)) {
                    return OptionalLong.empty();
                }
                return OptionalLong.of(Long.parseLong(batch));
            }
            first = false;
            id = s.parentId();
        }
        return OptionalLong.of(-1);
    }

    /** Files the snapshot added ({@code added-data-files} of its summary); 0 when the summary does not say. */
    private static long addedFiles(TableSnapshot s) {
        String n = s.summary().get("added-data-files");
        return n == null ? 0 : Long.parseLong(n);
    }
}
