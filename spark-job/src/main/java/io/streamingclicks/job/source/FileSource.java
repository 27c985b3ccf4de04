package io.streamingclicks.job.source;

import io.streamingclicks.contract.OutputColumns;
import io.streamingclicks.job.options.JobOptions;
import io.streamingclicks.job.transform.ClickParser;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;

/**
 * Reads {@code DATA_DIR/landing} as a stream of JSON lines and writes rows shaped like {@link KafkaSource}'s
 * ({@code value, partition, offset, timestamp}, the Kafka columns null) plus {@code source_file} and the batch's
 * processing time as the record's arrival time. Spark's file source skips names starting with {@code _} or
 * {@code .}, so a writer's {@code .name.tmp} is never read before its rename.
 */
public final class FileSource {

    private FileSource() {
    }

    public static Dataset<Row> read(SparkSession spark, JobOptions options) {
        String dir = options.dataRoot().landing();
        createIfLocal(dir);
        return spark.readStream()
                .format("text")
                .load(dir)
                .select(
                        col("value"),
                        lit(null).cast(DataTypes.IntegerType).as("partition"),
                        lit(null).cast(DataTypes.LongType).as("offset"),
                        lit(null).cast(DataTypes.TimestampType).as("timestamp"),
                        element_at(split(input_file_name(), "/"), -1).as(OutputColumns.SOURCE_FILE),
                        // In a micro-batch current_timestamp() is the batch's timestamp, stored in the offset log:
                        // a batch redone after a crash sees the same value, so quarantine stays deterministic.
                        current_timestamp().as(ClickParser.RECEIVED));
    }

    /** The file source refuses a missing directory at start; an empty one is fine. */
    private static void createIfLocal(String dir) {
        URI uri = URI.create(dir.replace(" ", "%20"));
        Path path = uri.getScheme() == null ? Path.of(dir) : "file".equals(uri.getScheme()) ? Path.of(uri) : null;
        if (path == null) {
            return;
        }
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the landing directory " + path + ": " + e.getMessage(), e);
        }
    }
}
