package io.streamingclicks.job.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamingclicks.contract.ClickEventContract;
import io.streamingclicks.contract.OutputColumns;
import io.streamingclicks.job.sink.CheckpointPairing;
import io.streamingclicks.job.sink.CommittedSink;
import io.streamingclicks.job.transform.TimePartitions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A data root as the job leaves it, made by hand for the samples tests: each {@link #batch} commits events through
 * the job's own {@link CommittedSink} (events/_spark_metadata/N) and records a windows-query batch N that read them
 * (chk/windows: sources/0/N listing the files, offsets/N with the chosen watermark and {"logOffset":N}, commits/N,
 * the pairing marker with the window length). Link 3 then counts an event iff its file was read no later than the
 * first batch whose watermark reaches its window's end: events of a batch written after that batch are late.
 */
public final class SampleRoot {

    /** One event; kafka_offset is its position in the root, partition 0. */
    public record Ev(String user, String page, Instant time, String action, Long durationMs) {
        public static Ev view(String user, String page, Instant time) {
            return new Ev(user, page, time, "view", 100L);
        }

        public static Ev click(String user, String page, Instant time) {
            return new Ev(user, page, time, "click", null);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StructType EVENTS = new StructType()
            .add(ClickEventContract.EVENT_ID, DataTypes.StringType)
            .add(ClickEventContract.USER_ID, DataTypes.StringType)
            .add(ClickEventContract.PAGE_ID, DataTypes.StringType)
            .add(ClickEventContract.EVENT_TIME, DataTypes.TimestampType)
            .add(ClickEventContract.ACTION, DataTypes.StringType)
            .add(ClickEventContract.DURATION_MS, DataTypes.LongType)
            .add(OutputColumns.KAFKA_PARTITION, DataTypes.IntegerType)
            .add(OutputColumns.KAFKA_OFFSET, DataTypes.LongType)
            .add(OutputColumns.KAFKA_TIMESTAMP, DataTypes.TimestampType);

    private final SparkSession spark;
    private final Path root;
    private final CommittedSink events;
    private long nextBatch;
    private long nextOffset;
    private final Set<String> logged = new HashSet<>();

    public SampleRoot(SparkSession spark, Path root, Duration window) {
        this.spark = spark;
        this.root = root;
        this.events = CommittedSink.parquet(spark, "events", root.resolve("parquet/events").toString());
        write(chk().resolve(CheckpointPairing.MARKER), "query=windows\nshape=window=" + window + ";lgK=14\n");
    }

    public Path root() {
        return root;
    }

    /** Commits {@code evs} as the next ingest batch, read by the next windows batch, which has watermark {@code wm}. */
    public long batch(List<Ev> evs, Instant wm) {
        long id = nextBatch++;
        List<Row> rows = new ArrayList<>();
        for (Ev e : evs) {
            long offset = nextOffset++;
            rows.add(RowFactory.create("e" + offset, e.user(), e.page(), Timestamp.from(e.time()), e.action(),
                    e.durationMs(), 0, offset, Timestamp.from(e.time())));
        }
        Dataset<Row> df = TimePartitions.by(spark.createDataFrame(rows, EVENTS), ClickEventContract.EVENT_TIME);
        events.write(id, df);
        StringBuilder log = new StringBuilder("v1");
        // Every 10th entry of the sink's log is a compaction (N.compact) listing every file so far: the new ones
        // are those not logged before.
        Path meta = root.resolve("parquet/events/_spark_metadata/" + id);
        if (!Files.exists(meta)) {
            meta = root.resolve("parquet/events/_spark_metadata/" + id + ".compact");
        }
        for (String line : lines(meta)) {
            if (line.startsWith("{")) {
                JsonNode n = read(line);
                if (!logged.add(n.get("path").asText())) {
                    continue;
                }
                log.append("\n{\"path\":\"").append(n.get("path").asText()).append("\",\"timestamp\":1,\"batchId\":")
                        .append(id).append('}');
            }
        }
        write(chk().resolve("sources/0/" + id), log.toString());
        write(chk().resolve("offsets/" + id), "v1\n{\"batchWatermarkMs\":" + wm.toEpochMilli()
                + ",\"batchTimestampMs\":1,\"conf\":{}}\n{\"logOffset\":" + id + "}");
        write(chk().resolve("commits/" + id), "v1\n{\"nextBatchWatermarkMs\":0}");
        return id;
    }

    private Path chk() {
        return root.resolve("chk/windows");
    }

    private static JsonNode read(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path p, String text) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
