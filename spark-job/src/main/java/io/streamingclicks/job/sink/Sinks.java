package io.streamingclicks.job.sink;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.job.options.JobOptions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

import java.util.concurrent.TimeoutException;

/**
 * Writes a stream to its Parquet sink: append mode, partitioned by time only ({@code date}, {@code hour}), one
 * checkpoint per sink, paired with its output before the query starts; or to the console.
 */
public final class Sinks {

    private Sinks() {
    }

    /** @param shape what the checkpoint's state depends on, e.g. columns and window size */
    public static StreamingQuery parquet(String name, Dataset<Row> rows, JobOptions options, String shape) {
        String output = options.output(name);
        String checkpoint = options.checkpoint(name);
        CheckpointPairing.check(name, output, checkpoint, shape,
                rows.sparkSession().sessionState().newHadoopConf());
        try {
            return rows.writeStream()
                    .queryName(name)
                    .format("parquet")
                    .outputMode("append")
                    .partitionBy(DataRoot.PARTITION_COLUMNS.toArray(String[]::new))
                    .option("checkpointLocation", checkpoint)
                    .option("path", output)
                    .trigger(Trigger.ProcessingTime(options.trigger().toMillis()))
                    .start();
        } catch (TimeoutException e) {
            throw new IllegalStateException("query " + name + " did not start: " + e.getMessage(), e);
        }
    }

    /** The Top-N query: {@code foreachBatch} over the sealed pv with {@link TopNSink}'s own commit protocol. */
    public static StreamingQuery topn(Dataset<Row> pv, JobOptions options, String shape) {
        String output = options.output("topn");
        String checkpoint = options.checkpoint("topn");
        refuseNewCheckpointOverCommittedTopN(output, checkpoint, pv.sparkSession().sessionState().newHadoopConf());
        CheckpointPairing.check("topn", output, checkpoint, shape, pv.sparkSession().sessionState().newHadoopConf());
        try {
            return pv.writeStream()
                    .queryName("topn")
                    .outputMode("append")
                    .option("checkpointLocation", checkpoint)
                    .foreachBatch(new TopNSink(output, options.topn()))
                    .trigger(Trigger.ProcessingTime(options.trigger().toMillis()))
                    .start();
        } catch (TimeoutException e) {
            throw new IllegalStateException("query topn did not start: " + e.getMessage(), e);
        }
    }

    /** A new checkpoint restarts at batch 0: over committed {@code batch_id=} directories it would skip its batches. */
    private static void refuseNewCheckpointOverCommittedTopN(String output, String checkpoint,
                                                             org.apache.hadoop.conf.Configuration conf) {
        try {
            org.apache.hadoop.fs.Path offsets = new org.apache.hadoop.fs.Path(checkpoint, "offsets");
            org.apache.hadoop.fs.FileSystem cfs = offsets.getFileSystem(conf);
            boolean newCheckpoint = !cfs.exists(offsets) || cfs.listStatus(offsets).length == 0;
            org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(output);
            org.apache.hadoop.fs.FileStatus[] batches = out.getFileSystem(conf)
                    .globStatus(new org.apache.hadoop.fs.Path(out, TopNSink.COMMITTED_PREFIX + "*"));
            if (newCheckpoint && batches != null && batches.length > 0) {
                throw new IllegalStateException("output " + out + " of sink 'topn' already has committed batches but"
                        + " checkpoint " + checkpoint + " is new: its batch ids would be skipped as committed; move"
                        + " the output away or restore the checkpoint");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot inspect " + output + " / " + checkpoint, e);
        }
    }

    public static StreamingQuery console(String name, Dataset<Row> rows, String outputMode, JobOptions options) {
        try {
            return rows.writeStream()
                    .queryName(name)
                    .format("console")
                    .option("truncate", "false")
                    .option("numRows", 50)
                    .outputMode(outputMode)
                    .trigger(Trigger.ProcessingTime(options.trigger().toMillis()))
                    .start();
        } catch (TimeoutException e) {
            throw new IllegalStateException("query " + name + " did not start: " + e.getMessage(), e);
        }
    }
}
