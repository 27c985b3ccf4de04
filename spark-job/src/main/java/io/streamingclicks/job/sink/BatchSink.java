package io.streamingclicks.job.sink;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One output written from inside a {@code foreachBatch}: the ingest query's events and quarantine, the windows
 * query's uv, pv and topn. An implementation commits a batch atomically and at most once per (query, batch id), so a
 * batch Spark redoes after a crash (its checkpoint commit was not written) is not written twice:
 * {@link CommittedSink} through the output's {@code _spark_metadata}, {@link IcebergSink} through the snapshot
 * summary of the table.
 */
public interface BatchSink {

    /**
     * Test-only, off unless the job's JVM runs with {@code -Dstreamingclicks.test.halt-after-commit=<sink>}: right
     * after the first commit of that sink that wrote rows, the JVM halts with {@link #HALT_STATUS}, before the batch's
     * other outputs and before Spark writes the checkpoint's {@code commits/<id>}. A SIGKILL from outside cannot be
     * aimed at that moment (OutputCrashIT).
     */
    String HALT_AFTER_COMMIT = "streamingclicks.test.halt-after-commit";
    int HALT_STATUS = 97;

    /** The sink's name: its directory under {@code parquet/}, or its table. */
    String name();

    /** Writes {@code rows} as batch {@code batchId}, or nothing when the output committed that batch before. */
    void write(long batchId, Dataset<Row> rows);

    /** Halts the JVM if {@link #HALT_AFTER_COMMIT} names {@code sink} and the commit wrote rows. */
    static void haltIfAsked(String sink, long batchId, boolean wroteRows) {
        if (wroteRows && sink.equals(System.getProperty(HALT_AFTER_COMMIT))) {
            Logger log = LoggerFactory.getLogger(BatchSink.class);
            log.warn("{}={}: halting the JVM after committing batch {} of {}, before the checkpoint's commit",
                    HALT_AFTER_COMMIT, sink, batchId, sink);
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }
}
