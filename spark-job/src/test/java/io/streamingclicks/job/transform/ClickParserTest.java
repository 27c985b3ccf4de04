package io.streamingclicks.job.transform;

import io.streamingclicks.job.source.KafkaSource;
import io.streamingclicks.job.support.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The parse step as a pure function on a batch DataFrame shaped like Kafka's source rows. */
class ClickParserTest {

    private static final Instant KAFKA_TIME = Instant.parse("2026-01-01T12:00:00Z");

    @Test
    void aliasesAreCoalescedInContractOrderAndZonelessTimesAreUtc() {
        List<Row> out = parse(
                "{\"user_id\": 1001, \"timestamp\": \"2025-12-14T09:25:01\", \"page_url\": \"/home\"}",
                "{\"user_id\":\"u\",\"page_id\":\"/canon\",\"page_url\":\"/alias\","
                        + "\"event_time\":\"2026-01-01T12:00:00+01:00\",\"timestamp\":\"2020-01-01T00:00:00Z\"}",
                "{\"user_id\":\"u\",\"page_id\":\"/a\",\"event_time\":\"2026-01-01T12:09:59Z\"}");
        assertThat(out).extracting(r -> r.getString(0), r -> r.getString(1), r -> r.getTimestamp(2).toInstant(),
                        r -> r.getString(3))
                .containsExactly(
                        tuple("1001", "/home", Instant.parse("2025-12-14T09:25:01Z"), null),
                        tuple("u", "/canon", Instant.parse("2026-01-01T11:00:00Z"), null),
                        tuple("u", "/a", Instant.parse("2026-01-01T12:09:59Z"), null));
    }

    /**
     * The producer's shape ({@code ...ss[.SSS]Z}) is parsed without the 'Z' (a faster path); these are the texts
     * around that path: each must read as the plain cast reads it.
     */
    @Test
    void theUtcShortcutReadsWhatTheCastReads() {
        List<Row> out = parse(
                "{\"user_id\":\"u\",\"page_id\":\"/a\",\"event_time\":\"2026-01-01T11:59:58.123Z\"}",
                "{\"user_id\":\"u\",\"page_id\":\"/a\",\"event_time\":\"2026-01-01 11:59:58Z\"}",
                "{\"user_id\":\"u\",\"page_id\":\"/a\",\"event_time\":\"2026-01-01T11:59+01:00Z\"}",
                "{\"user_id\":\"u\",\"page_id\":\"/a\",\"event_time\":\"2026-13-01T11:59:58Z\"}",
                "{\"user_id\":\"u\",\"page_id\":\"/a\",\"event_time\":\"2026-01-01T11:59:58.12Z\"}");
        assertThat(out).extracting(r -> r.isNullAt(2) ? null : r.getTimestamp(2).toInstant(), r -> r.getString(3))
                .containsExactly(
                        tuple(Instant.parse("2026-01-01T11:59:58.123Z"), null),
                        tuple(Instant.parse("2026-01-01T11:59:58Z"), null),
                        tuple(null, "bad_event_time"),
                        tuple(null, "bad_event_time"),
                        tuple(Instant.parse("2026-01-01T11:59:58.120Z"), null));
    }

    @Test
    void eachBadRecordGetsItsReason() {
        List<Row> out = parse(
                "not json",
                "",
                "{\"page_id\":\"/a\",\"event_time\":\"2026-01-01T11:00:00Z\"}",
                "{\"user_id\":\"u\",\"page_url\":\"  \",\"event_time\":\"2026-01-01T11:00:00Z\"}",
                "{\"user_id\":\"u\",\"page_id\":\"/a\",\"event_time\":null}",
                "{\"user_id\":\"u\",\"page_id\":\"/a\",\"event_time\":\"14/12/2025\"}",
                "{\"user_id\":\"u\",\"page_id\":\"/a\",\"event_time\":\"2026-01-01T12:10:01Z\"}");
        assertThat(out).extracting(r -> r.getString(3)).containsExactly(
                "unparseable_json", "unparseable_json", "missing_user_id", "missing_page_id", "missing_event_time",
                "bad_event_time", "future_event_time");
    }

    private static List<Row> parse(String... values) {
        SparkSession spark = TestSpark.get();
        StructType kafka = DataTypes.createStructType(List.of(
                DataTypes.createStructField("value", DataTypes.BinaryType, true),
                DataTypes.createStructField("partition", DataTypes.IntegerType, false),
                DataTypes.createStructField("offset", DataTypes.LongType, false),
                DataTypes.createStructField("timestamp", DataTypes.TimestampType, false)));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            rows.add(RowFactory.create(values[i].getBytes(StandardCharsets.UTF_8), 0, (long) i,
                    Timestamp.from(KAFKA_TIME)));
        }
        Dataset<Row> parsed = ClickParser.parse(KafkaSource.shape(spark.createDataFrame(rows, kafka)), List.of(),
                Duration.ofMinutes(10)).rows();
        return parsed.orderBy("kafka_offset").select("user_id", "page_id", "event_time", "reason").collectAsList();
    }
}
