package io.streamingclicks.job.source;

import io.streamingclicks.job.options.JobOptions;
import io.streamingclicks.job.transform.ClickParser;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;

import java.time.Duration;
import java.util.List;

import static io.streamingclicks.contract.OutputColumns.KAFKA_OFFSET;
import static io.streamingclicks.contract.OutputColumns.KAFKA_PARTITION;
import static io.streamingclicks.contract.OutputColumns.KAFKA_TIMESTAMP;
import static io.streamingclicks.contract.OutputColumns.RAW;
import static org.apache.spark.sql.functions.col;

/**
 * Reads the click topic and writes its records in the parser's shape: the value as text, the Kafka coordinates, and
 * the Kafka timestamp as the arrival time. Each query that uses it reads the topic on its own, with its own offsets
 * in its own checkpoint.
 */
public final class KafkaSource implements ClickSource {

    private final JobOptions options;

    KafkaSource(JobOptions options) {
        this.options = options;
    }

    @Override
    public Dataset<Row> records(SparkSession spark) {
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
        // Offsets stay per topic partition, so a checkpoint does not depend on it: only how a batch is read.
        if (options.kafkaMinPartitions() > 0) {
            reader = reader.option("minPartitions", options.kafkaMinPartitions());
        }
        return shape(reader.load());
    }

    /** Kafka's rows ({@code value, partition, offset, timestamp}) as {@link ClickParser#RECORD_COLUMNS}. */
    public static Dataset<Row> shape(Dataset<Row> kafka) {
        return kafka.select(
                col("value").cast("string").as(RAW),
                col("partition").as(KAFKA_PARTITION),
                col("offset").as(KAFKA_OFFSET),
                col("timestamp").as(KAFKA_TIMESTAMP),
                col("timestamp").as(ClickParser.RECEIVED));
    }

    @Override
    public List<String> carried() {
        return List.of();
    }

    @Override
    public String checkpointTag() {
        return "";
    }

    @Override
    public String describe() {
        return options.topic() + " from " + options.bootstrapServers();
    }

    @Override
    public void preflight(Duration timeout) {
        KafkaPreflight.check(options, timeout);
    }
}
