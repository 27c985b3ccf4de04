package io.streamingclicks.job.source;

import io.streamingclicks.job.options.JobOptions;
import io.streamingclicks.job.transform.ClickParser;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.time.Duration;
import java.util.List;

/**
 * Where the click records come from: the Kafka topic or the landing directory, chosen once at start-up. Either way
 * the records reach the parser in one shape, {@link ClickParser#RECORD_COLUMNS} followed by the source's own
 * {@link #carried()} columns.
 */
public interface ClickSource {

    static ClickSource of(JobOptions options) {
        return options.fromFiles() ? new FileSource(options.dataRoot().landing()) : new KafkaSource(options);
    }

    /** The stream of records: {@link ClickParser#RECORD_COLUMNS}, then {@link #carried()}. */
    Dataset<Row> records(SparkSession spark);

    /** Columns this source adds, carried to every output row after the contract's (none for Kafka). */
    List<String> carried();

    /**
     * Added to each checkpoint's shape: a checkpoint holds its source's offsets, so one written from Kafka must not
     * be resumed on files, nor the reverse.
     */
    String checkpointTag();

    /** What is read, for the start-up log line. */
    String describe();

    /**
     * Fails fast, before any query starts, when the source cannot be reached, naming what was tried. Files need no
     * check (the directory is created if missing).
     *
     * @throws IllegalStateException with a message for the user
     */
    default void preflight(Duration timeout) {
    }
}
