package io.streamingclicks.job.sink;

import io.streamingclicks.contract.Warehouse;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.SparkWriteOptions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.execution.streaming.StreamExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.OptionalLong;

/**
 * One Iceberg table written from inside a {@code foreachBatch}: each batch that has rows is one append, whose snapshot
 * summary records the streaming query's id and the batch id. Before writing, the table's current ancestry is asked
 * for the last batch this query committed ({@link SnapshotBatches}); a batch at or below it was committed before the
 * crash that made Spark redo it, and is skipped. That is the check Iceberg's own streaming sink makes with its query
 * id and epoch, here in a {@code foreachBatch} that writes several tables from one cached batch.
 * <p>
 * An empty batch commits nothing: most windows batches seal no window, and a snapshot per trigger and table would
 * only grow the metadata. The check still holds: a redone batch reads the same offsets (and, for windows, the same
 * state), so it is empty again, and any later batch's id is above every id the table recorded.
 * <p>
 * The query id is the checkpoint's ({@code chk/<query>/metadata}): Spark hands it to the batch's thread as the local
 * property {@code sql.streaming.queryId}. A new checkpoint has a new id, which is why a new checkpoint over a table
 * that has commits is refused before the query starts ({@link CheckpointPairing}).
 */
public final class IcebergSink implements BatchSink {

    private static final Logger LOG = LoggerFactory.getLogger(IcebergSink.class);

    private final String name;
    private final IcebergTables tables;

    public IcebergSink(String name, IcebergTables tables) {
        this.name = name;
        this.tables = tables;
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * SQLite answers a commit that races another (the other query's, or {@code make compact}'s) with SQLITE_BUSY at
     * once when waiting could deadlock; the commit did not happen, so the batch is checked and written again.
     */
    private static final int BUSY_ATTEMPTS = 8;

    @Override
    public void write(long batchId, Dataset<Row> rows) {
        for (int attempt = 1; ; attempt++) {
            try {
                writeOnce(batchId, rows);
                return;
            } catch (RuntimeException e) {
                if (attempt >= BUSY_ATTEMPTS || !busy(e)) {
                    throw e;
                }
                LOG.warn("table {}: the catalog was busy committing batch {} (attempt {} of {}); checking and"
                        + " writing it again", tables.name(name), batchId, attempt, BUSY_ATTEMPTS);
                try {
                    Thread.sleep(100L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** SQLite's SQLITE_BUSY (or one of its extended codes) somewhere in the causes. */
    public static boolean busy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.sqlite.SQLiteException s && (s.getErrorCode() & 0xff) == SQLITE_BUSY) {
                return true;
            }
        }
        return false;
    }

    private static final int SQLITE_BUSY = 5;

    private void writeOnce(long batchId, Dataset<Row> rows) {
        String queryId = rows.sparkSession().sparkContext().getLocalProperty(StreamExecution.QUERY_ID_KEY());
        if (queryId == null) {
            throw new IllegalStateException("table " + tables.name(name) + ": batch " + batchId + " is not written"
                    + " by a streaming query (no " + StreamExecution.QUERY_ID_KEY() + "), so it cannot be committed"
                    + " exactly once");
        }
        Table table = tables.load(name);
        OptionalLong last = SnapshotBatches.lastBatch(table, queryId);
        if (last.isPresent() && last.getAsLong() >= batchId) {
            LOG.info("table {}: batch {} of query {} skipped, the table holds its batches up to {}",
                    tables.name(name), batchId, queryId, last.getAsLong());
            return;
        }
        if (rows.isEmpty()) {
            return;
        }
        try {
            rows.writeTo(tables.name(name))
                    .option(SparkWriteOptions.SNAPSHOT_PROPERTY_PREFIX + "." + Warehouse.SUMMARY_QUERY_ID, queryId)
                    .option(SparkWriteOptions.SNAPSHOT_PROPERTY_PREFIX + "." + Warehouse.SUMMARY_BATCH_ID,
                            Long.toString(batchId))
                    .append();
        } catch (NoSuchTableException e) {
            throw new IllegalStateException("table " + tables.name(name) + " disappeared while the job ran: "
                    + e.getMessage(), e);
        }
        BatchSink.haltIfAsked(name, batchId, true);
    }
}
