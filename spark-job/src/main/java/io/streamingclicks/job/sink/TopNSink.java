package io.streamingclicks.job.sink;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.contract.OutputColumns;
import io.streamingclicks.job.transform.TimePartitions;
import io.streamingclicks.job.transform.TopN;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.UUID;

/**
 * The {@code foreachBatch} body of the Top-N query: reads one batch of sealed pv rows, writes their Top-N per window
 * to {@code parquet/topn/batch_id=<id>/date=/hour=/} through its own commit protocol, since {@code foreachBatch} has no
 * {@code _spark_metadata}: skip a batch id already committed; else write under {@code _tmp-batch_id=<id>-<uuid>}
 * (a name every reader skips) and rename it to {@code batch_id=<id>}, the commit. A batch redone after a crash
 * either finds its directory (renamed before the crash: skipped) or writes it again (the killed attempt's temporary
 * directory is removed). Readers read only {@code batch_id=*} directories.
 */
public final class TopNSink implements VoidFunction2<Dataset<Row>, Long> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TopNSink.class);
    /** Committed batch directories are {@code batch_id=<id>}; readers glob exactly this. */
    public static final String COMMITTED_PREFIX = "batch_id=";
    static final String TEMP_PREFIX = "_tmp-" + COMMITTED_PREFIX;

    private final String output;
    private final int n;

    public TopNSink(String output, int n) {
        this.output = output;
        this.n = n;
    }

    @Override
    public void call(Dataset<Row> pv, Long batchId) throws IOException {
        Path out = new Path(output);
        FileSystem fs = out.getFileSystem(pv.sparkSession().sessionState().newHadoopConf());
        Path committed = new Path(out, COMMITTED_PREFIX + batchId);
        if (fs.exists(committed)) {
            LOG.info("topn batch {} already committed at {}: skipped", batchId, committed);
            return;
        }
        FileStatus[] leftovers = fs.globStatus(new Path(out, TEMP_PREFIX + batchId + "-*"));
        if (leftovers != null) {
            for (FileStatus s : leftovers) {
                fs.delete(s.getPath(), true);
            }
        }
        Path temp = new Path(out, TEMP_PREFIX + batchId + "-" + UUID.randomUUID());
        TimePartitions.by(TopN.rank(pv, n), OutputColumns.WINDOW_START)
                .write()
                .partitionBy(DataRoot.PARTITION_COLUMNS.toArray(String[]::new))
                .parquet(temp.toString());
        if (!fs.rename(temp, committed)) {
            throw new IOException("cannot commit topn batch " + batchId + ": rename " + temp + " -> " + committed
                    + " failed");
        }
    }
}
