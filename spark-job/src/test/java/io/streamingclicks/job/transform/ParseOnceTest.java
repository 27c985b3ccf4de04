package io.streamingclicks.job.transform;

import io.streamingclicks.contract.ClickEventContract;
import io.streamingclicks.contract.OutputColumns;
import io.streamingclicks.job.source.ClickSource;
import io.streamingclicks.job.source.FileSource;
import io.streamingclicks.job.source.KafkaSource;
import io.streamingclicks.job.support.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.MemoryStream;
import org.apache.spark.sql.execution.streaming.StreamingQueryWrapper;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;
import scala.collection.JavaConverters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each record is parsed once: the executed plan of the ingest query's rows holds exactly one {@code from_json}, and so
 * do the events and quarantine splits even when planned as queries of their own (the barrier holds under their
 * filters), from Kafka-shaped rows and from landing files. The windowed query reads parsed Parquet: no parse.
 * Streaming input, so nothing is constant-folded.
 */
class ParseOnceTest {

    private static final Duration WINDOW = Duration.ofMinutes(10);
    private static final Duration WATERMARK = Duration.ofMinutes(1);
    private static final List<String> LINES = List.of(
            "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"page_id\":\"/a\",\"event_time\":\"2025-01-01T12:00:00Z\"}",
            "{\"user_id\":\"u2\",\"page_url\":\"/b\",\"timestamp\":\"2025-01-01T12:01:00\"}",
            "not json",
            "{\"page_id\":\"/a\",\"event_time\":\"2025-01-01T12:02:00Z\"}");

    private static final Map<String, Integer> ONCE_EACH = Map.of("ingest", 1, "events", 1, "quarantine", 1);

    private final SparkSession spark = TestSpark.get();
    @TempDir
    Path landing;

    @Test
    void kafkaRecordsAreParsedOncePerQuery() throws TimeoutException {
        MemoryStream<String> topic = new MemoryStream<>(1, spark.sqlContext(), Option.empty(), Encoders.STRING());
        topic.addData(JavaConverters.asScalaBuffer(LINES).toSeq());
        Dataset<Row> kafka = topic.toDF().select(col("value").cast("binary").as("value"), lit(0).as("partition"),
                length(col("value")).cast("long").as("offset"), current_timestamp().as("timestamp"));

        assertThat(fromJsonPerQuery(ClickParser.parse(KafkaSource.shape(kafka), List.of(), Duration.ofMinutes(10))))
                .isEqualTo(ONCE_EACH);
    }

    @Test
    void landingFilesAreParsedOncePerQuery() throws IOException, TimeoutException {
        Files.write(landing.resolve("clicks-1.jsonl"), LINES, StandardCharsets.UTF_8);
        ClickSource files = new FileSource(landing.toString());

        assertThat(fromJsonPerQuery(ClickParser.parse(files.records(spark), files.carried(), Duration.ofMinutes(10))))
                .isEqualTo(ONCE_EACH);
    }

    /** Runs each query shape of the job over one batch and counts {@code from_json} in its executed plan. */
    private static Map<String, Integer> fromJsonPerQuery(ParsedClicks parsed) throws TimeoutException {
        Dataset<Row> events = parsed.valid();
        Map<String, Dataset<Row>> queries = new LinkedHashMap<>();
        queries.put("ingest", parsed.rows());
        queries.put("events", TimePartitions.by(events, ClickEventContract.EVENT_TIME));
        queries.put("quarantine", parsed.quarantinedByArrival());
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<String, Dataset<Row>> q : queries.entrySet()) {
            String plan = executedPlan(q.getValue());
            counts.put(q.getKey(), plan.split("from_json\\(", -1).length - 1);
        }
        return counts;
    }

    /**
     * The plan of the batch that read the data. No-data batches are off: one run only to move the watermark reads
     * an empty relation, which the optimizer folds away with the parse, and would leave nothing to count.
     */
    private static String executedPlan(Dataset<Row> rows) throws TimeoutException {
        SparkSession spark = rows.sparkSession();
        String noData = "spark.sql.streaming.noDataMicroBatches.enabled";
        String before = spark.conf().get(noData);
        spark.conf().set(noData, "false");
        StreamingQuery query = rows.writeStream().format("noop").outputMode("append").start();
        try {
            query.processAllAvailable();
            assertThat(query.lastProgress().numInputRows()).as("rows read by the last batch").isPositive();
            return ((StreamingQueryWrapper) query).streamingQuery().lastExecution().executedPlan().toString();
        } finally {
            query.stop();
            spark.conf().set(noData, before);
        }
    }
}
