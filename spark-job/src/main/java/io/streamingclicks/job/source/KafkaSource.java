package io.streamingclicks.job.source;

import io.streamingclicks.job.options.JobOptions;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads the click topic as a stream of Kafka rows ({@code key, value, topic, partition, offset, timestamp}). Each
 * query that uses it reads the topic on its own, with its own offsets in its own checkpoint.
 */
public final class KafkaSource {

    private KafkaSource() {
    }

    public static Dataset<Row> read(SparkSession spark, JobOptions options) {
        DataStreamReader reader = spark.readStream()
                .format("kafka")
                .option("kafka.bootstrap.servers", options.bootstrapServers())
                .option("subscribe", options.topic())
                // Only for a new checkpoint: a started checkpoint resumes from its own offsets.
                .option("startingOffsets", options.startingOffsets())
                // Retention deleting unread records must stop the job, not skip them silently.
                .option("failOnDataLoss", "true");
        if (options.maxOffsetsPerTrigger() > 0) {
            reader = reader.option("maxOffsetsPerTrigger", options.maxOffsetsPerTrigger());
        }
        return reader.load();
    }
}
