package io.streamingclicks.job.source;

import io.streamingclicks.contract.OutputColumns;
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
import java.util.List;

import static io.streamingclicks.contract.OutputColumns.KAFKA_OFFSET;
import static io.streamingclicks.contract.OutputColumns.KAFKA_PARTITION;
import static io.streamingclicks.contract.OutputColumns.KAFKA_TIMESTAMP;
import static io.streamingclicks.contract.OutputColumns.RAW;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;

/**
 * Reads {@code DATA_DIR/landing} as a stream of JSON lines and writes them in the parser's shape, the Kafka columns
 * null and the batch's processing time as the arrival time, carrying {@code source_file}. Spark's file source skips
 * names starting with {@code _} or {@code .}, so a writer's {@code .name.tmp} is never read before its rename.
 */
public final class FileSource implements ClickSource {

    private final String dir;

    /** @param dir the landing directory */
    public FileSource(String dir) {
        this.dir = dir;
    }

    @Override
    public Dataset<Row> records(SparkSession spark) {
        createIfLocal(dir);
        return spark.readStream()
                .format("text")
                .load(dir)
                .select(
                        col("value").as(RAW),
                        lit(null).cast(DataTypes.IntegerType).as(KAFKA_PARTITION),
                        lit(null).cast(DataTypes.LongType).as(KAFKA_OFFSET),
                        lit(null).cast(DataTypes.TimestampType).as(KAFKA_TIMESTAMP),
                        // In a micro-batch current_timestamp() is the batch's timestamp, stored in the offset log:
                        // a batch redone after a crash sees the same value, so quarantine stays deterministic.
                        current_timestamp().as(ClickParser.RECEIVED),
                        element_at(split(input_file_name(), "/"), -1).as(OutputColumns.SOURCE_FILE));
    }

    @Override
    public List<String> carried() {
        return List.of(OutputColumns.SOURCE_FILE);
    }

    @Override
    public String checkpointTag() {
        return ";source=files";
    }

    @Override
    public String describe() {
        return dir;
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
