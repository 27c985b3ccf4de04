package io.streamingclicks.job.sink;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.contract.OutputColumns;
import io.streamingclicks.job.transform.TimePartitions;
import io.streamingclicks.job.transform.TopN;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The {@code foreachBatch} body of the Top-N query: reads one batch of sealed pv rows and writes their Top-N per
 * window to {@code parquet/topn/batch_id=<id>/date=/hour=/} through {@link TopNCommitProtocol} (temporary directory,
 * rename per batch id, a committed batch id skipped when Spark redoes it). Readers read only {@code batch_id=*}.
 */
public final class TopNSink implements VoidFunction2<Dataset<Row>, Long> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TopNSink.class);

    /**
     * Test-only, off unless the job's JVM runs with {@code -Dstreamingclicks.test.topn.halt-after-commit=true}: right
     * after the rename that commits the first batch holding a ranking, the JVM halts with {@link #HALT_STATUS}, before
     * Spark writes {@code chk/topn/commits/<id>}. That is the crash point where only the skip of a committed batch id
     * prevents a second ranking, and a SIGKILL from outside cannot be aimed at it (TopNCrashIT).
     */
    public static final String HALT_AFTER_COMMIT = "streamingclicks.test.topn.halt-after-commit";
    public static final int HALT_STATUS = 97;

    private final String output;
    private final int n;
    private final boolean haltAfterCommit = Boolean.getBoolean(HALT_AFTER_COMMIT);

    public TopNSink(String output, int n) {
        this.output = output;
        this.n = n;
    }

    @Override
    public void call(Dataset<Row> pv, Long batchId) throws IOException {
        TopNCommitProtocol protocol = new TopNCommitProtocol(new Path(output),
                pv.sparkSession().sessionState().newHadoopConf());
        boolean written = protocol.writeOnce(batchId, dir -> TimePartitions.by(TopN.rank(pv, n),
                        OutputColumns.WINDOW_START)
                .write()
                .partitionBy(DataRoot.PARTITION_COLUMNS.toArray(String[]::new))
                .parquet(dir.toString()));
        if (!written) {
            // Not computed again: the attempt that wrote the directory ran the aggregation, which committed this
            // batch's state version before the rename, so the next batch finds the state it needs.
            LOG.info("topn batch {} already committed at {}: skipped", batchId, protocol.committedDir(batchId));
            return;
        }
        if (haltAfterCommit && holdsParquet(protocol.committedDir(batchId), pv)) {
            LOG.warn("{}=true: halting the JVM after committing topn batch {}, before Spark's commits/{}",
                    HALT_AFTER_COMMIT, batchId, batchId);
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }

    private static boolean holdsParquet(Path dir, Dataset<Row> pv) throws IOException {
        FileSystem fs = dir.getFileSystem(pv.sparkSession().sessionState().newHadoopConf());
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(dir, true);
        while (files.hasNext()) {
            if (files.next().getPath().getName().endsWith(".parquet")) {
                return true;
            }
        }
        return false;
    }
}
