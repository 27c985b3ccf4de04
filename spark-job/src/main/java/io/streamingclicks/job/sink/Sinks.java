package io.streamingclicks.job.sink;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.job.options.JobOptions;
import org.apache.hadoop.conf.Configuration;
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

    /** The Top-N query: {@code foreachBatch} over the sealed pv, committed by {@link TopNCommitProtocol}. */
    public static StreamingQuery topn(Dataset<Row> pv, JobOptions options, String shape) {
        String output = options.output("topn");
        String checkpoint = options.checkpoint("topn");
        Configuration conf = pv.sparkSession().sessionState().newHadoopConf();
        TopNCommitProtocol.refuseNewCheckpointOverCommitted(output, checkpoint, conf);
        CheckpointPairing.check("topn", output, checkpoint, shape, conf);
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
