package io.streamingclicks.job;

import io.streamingclicks.contract.QuarantineReason;
import io.streamingclicks.contract.UvPrecision;
import io.streamingclicks.job.support.Committed;
import io.streamingclicks.job.support.Events;
import io.streamingclicks.job.support.JobRun;
import io.streamingclicks.job.support.Link3;
import io.streamingclicks.job.support.SharedKafka;
import io.streamingclicks.job.support.TestSpark;
import io.streamingclicks.kafka.KafkaCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.streamingclicks.job.support.EventTimes.T;
import static io.streamingclicks.job.support.EventTimes.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The pipeline against real brokers and local Spark, with the default 5-minute windows and watermark and explicit
 * event times in the past, so every batch boundary that matters is waited for, not timed.
 */
@ExtendWith(SharedKafka.class)
class PipelineIT {


    private final KafkaCluster cluster;
    private final SparkSession spark = TestSpark.get();
    @TempDir
    Path tmp;

    PipelineIT(KafkaCluster cluster) {
        this.cluster = cluster;
    }

    @Test
    void pvIsExactPerWindowAndPage() {
        String topic = cluster.createRandomTopic();
        try (Events events = new Events(cluster.bootstrapServers(), topic);
             JobRun run = JobRun.start(tmp, cluster.bootstrapServers(), topic)) {
            events.send("u1", "/a", at(0, 1));
            events.send("u2", "/a", at(1, 0));
            events.send("u1", "/a", at(4, 59));
            events.send("u3", "/b", at(2, 0));
            events.send("u3", "/b", at(3, 0));
            events.send("u4", "/a", at(5, 0));
            // Advances the watermark to T+15 min: both windows above are sealed and emitted.
            events.send("clock", "/clock", at(20, 0));

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                    Committed.rows(spark, run.output("pv"), "select * from t").size() >= 3
                            && Committed.rows(spark, run.output("uv"), "select * from t").size() >= 2);
            List<Row> pv = Committed.rows(spark, run.output("pv"),
                    "select window_start, window_end, page_id, pv, date, hour from t order by window_start, page_id");
            assertThat(pv).extracting(r -> r.getTimestamp(0).toInstant(), r -> r.getTimestamp(1).toInstant(),
                            r -> r.getString(2), r -> r.getLong(3))
                    .containsExactly(
                            tuple(at(0, 0), at(5, 0), "/a", 3L),
                            tuple(at(0, 0), at(5, 0), "/b", 2L),
                            tuple(at(5, 0), at(10, 0), "/a", 1L));
            // Partitioned by the window start's UTC date and hour.
            assertThat(pv.get(0).get(4).toString()).isEqualTo(T.toString().substring(0, 10));
            assertThat(pv.get(0).getInt(5)).isEqualTo(T.atZone(java.time.ZoneOffset.UTC).getHour());

            List<Row> uv = Committed.rows(spark, run.output("uv"), "select window_start, uv from t order by 1");
            assertThat(uv).extracting(r -> r.getTimestamp(0).toInstant(), r -> r.getLong(1))
                    .containsExactly(tuple(at(0, 0), 3L), tuple(at(5, 0), 1L));
        }
    }

    @Test
    void badRecordsAreQuarantinedWithTheirReasonAndSeedSamplesAreParsed() throws IOException {
        String topic = cluster.createRandomTopic();
        String future = Instant.now().plus(Duration.ofHours(1)).toString();
        Map<String, String> bad = new HashMap<>();
        bad.put("this is not json", QuarantineReason.UNPARSEABLE_JSON.code());
        bad.put("{\"user_id\":\"u1\",\"page_id\":", QuarantineReason.UNPARSEABLE_JSON.code());
        bad.put("{\"page_id\":\"/a\",\"event_time\":\"" + at(1, 0) + "\"}", QuarantineReason.MISSING_USER_ID.code());
        bad.put("{\"user_id\":\" \",\"page_id\":\"/a\",\"event_time\":\"" + at(1, 0) + "\"}",
                QuarantineReason.MISSING_USER_ID.code());
        bad.put("{\"user_id\":\"u1\",\"event_time\":\"" + at(1, 0) + "\"}", QuarantineReason.MISSING_PAGE_ID.code());
        bad.put("{\"user_id\":\"u1\",\"page_id\":\"/a\"}", QuarantineReason.MISSING_EVENT_TIME.code());
        bad.put("{\"user_id\":\"u1\",\"page_id\":\"/a\",\"event_time\":\"yesterday\"}",
                QuarantineReason.BAD_EVENT_TIME.code());
        bad.put("{\"user_id\":\"u1\",\"page_id\":\"/a\",\"event_time\":\"" + future + "\"}",
                QuarantineReason.FUTURE_EVENT_TIME.code());
        List<String> seeds;
        try (InputStream in = getClass().getResourceAsStream(
                "/io/streamingclicks/contract/console-sample-events.jsonl")) {
            seeds = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
        assertThat(seeds).hasSize(5);

        try (Events events = new Events(cluster.bootstrapServers(), topic);
             JobRun run = JobRun.start(tmp, cluster.bootstrapServers(), topic)) {
            events.sendRaw(new ArrayList<>(bad.keySet()));
            events.sendRaw(seeds);
            run.awaitCommitted("ingest", events.sent());
            // The job keeps running after bad input: a valid event sent afterwards still lands.
            String after = events.send("u-after", "/after", at(2, 0));
            run.awaitCommitted("ingest", events.sent());
            assertThat(run.job.queries()).allMatch(q -> q.isActive());

            List<Row> quarantined = Committed.rows(spark, run.output("quarantine"),
                    "select raw, reason, kafka_partition, kafka_offset, kafka_timestamp from t");
            assertThat(quarantined).extracting(r -> r.getString(0), r -> r.getString(1))
                    .containsExactlyInAnyOrderElementsOf(bad.entrySet().stream()
                            .map(e -> tuple(e.getKey(), e.getValue())).toList());
            assertThat(quarantined).allSatisfy(r -> {
                assertThat(r.isNullAt(2)).isFalse();
                assertThat(r.isNullAt(3)).isFalse();
                assertThat(r.isNullAt(4)).isFalse();
            });

            List<Row> parsed = Committed.rows(spark, run.output("events"),
                    "select user_id, page_id, event_time, action, duration_ms, event_id from t"
                            + " order by event_time");
            assertThat(parsed).extracting(r -> r.getString(0), r -> r.getString(1),
                            r -> r.getTimestamp(2).toInstant(), r -> r.getString(3))
                    .contains(
                            tuple("1001", "/home", Instant.parse("2025-12-14T09:25:01Z"), "view"),
                            tuple("1002", "/product/shirt-x", Instant.parse("2025-12-14T09:25:15Z"), "view"),
                            tuple("1001", "/product/shirt-x", Instant.parse("2025-12-14T09:25:20Z"), "click"),
                            tuple("1003", "/search?q=shoes", Instant.parse("2025-12-14T09:25:25Z"), "click"),
                            tuple("1001", "/add-to-cart", Instant.parse("2025-12-14T09:25:35Z"), "click"));
            assertThat(parsed).hasSize(6);
            assertThat(parsed).extracting(r -> r.getString(5)).contains(after);
        }
    }

    /**
     * The late-data checklist: an event 8 minutes late is included while the watermark has not passed its window
     * and dropped once it has; link 3 (docs/accounting.md), read from chk/windows, names exactly the dropped
     * events; uv of the window equals a batch sketch over exactly the events its pv counted.
     */
    @Test
    void lateEventsAreIncludedUntilTheWatermarkPassesThenDroppedAndAccountedExactly() throws IOException {
        String topic = cluster.createRandomTopic();
        Instant windowStart = at(10, 0);
        Instant windowEnd = at(15, 0);
        try (Events events = new Events(cluster.bootstrapServers(), topic);
             JobRun run = JobRun.start(tmp, cluster.bootstrapServers(), topic)) {
            Set<String> onTime = new HashSet<>();
            onTime.add(events.send("u1", "/home", at(10, 30)));
            onTime.add(events.send("u2", "/home", at(11, 0)));
            events.send("clock", "/clock", at(18, 0));
            run.awaitWatermark("windows", at(13, 0));

            // 8 minutes behind the newest event; the watermark (T+13) has not passed the window's end (T+15).
            String includedLate = events.send("u3", "/home", at(10, 0));
            run.awaitWindowsCaughtUp(events.sent());

            events.send("clock", "/clock", at(21, 0));
            run.awaitWatermark("windows", at(16, 0));

            // 8 minutes behind again, but now the watermark (T+16) has passed the window: dropped.
            String droppedLate = events.send("u4", "/home", at(13, 0));
            run.awaitWindowsCaughtUp(events.sent());

            List<Row> pv = Committed.rows(spark, run.output("pv"),
                    "select page_id, pv from t where window_start = '" + Timestamp.from(windowStart) + "'");
            assertThat(pv).extracting(r -> r.getString(0), r -> r.getLong(1)).containsExactly(tuple("/home", 3L));

            // Link 3: the events of the window at or beyond the start offsets of the first batch whose late-row
            // filter watermark reached the window's end are the dropped ones, and Σpv counts exactly the others.
            Map<Boolean, List<String>> byCounted = Link3.read(run.root)
                    .split(spark, run.output("events"), windowStart, windowEnd);
            assertThat(byCounted.get(false)).containsExactly(droppedLate);
            Set<String> counted = new HashSet<>(byCounted.get(true));
            Set<String> expectedCounted = new HashSet<>(onTime);
            expectedCounted.add(includedLate);
            assertThat(counted).isEqualTo(expectedCounted);
            assertThat(pv.stream().mapToLong(r -> r.getLong(1)).sum()).isEqualTo(counted.size());

            // uv: the same sketch over exactly the events pv counted gives the same number.
            String included = byCounted.get(true).stream()
                    .map(id -> "'" + id + "'").collect(Collectors.joining(","));
            long expectedUv = Committed.rows(spark, run.output("events"), "select hll_sketch_estimate("
                    + "hll_sketch_agg(user_id, " + run.options.lgK() + ")) from t where event_id in (" + included
                    + ")").get(0).getLong(0);
            List<Row> uv = Committed.rows(spark, run.output("uv"),
                    "select uv from t where window_start = '" + Timestamp.from(windowStart) + "'");
            assertThat(uv).extracting(r -> r.getLong(0)).containsExactly(expectedUv);
            assertThat(expectedUv).isEqualTo(3L);

            // The progress log shows the drop as a signal (rows after partial aggregation, not events).
            assertThat(Files.readAllLines(run.progress().resolve("windows.jsonl")))
                    .anyMatch(l -> l.contains("\"num_rows_dropped_by_watermark\":1"))
                    .allMatch(l -> l.startsWith("{\"query\":\"windows\""));
        }
    }

    /**
     * Spark 3.5 filters late rows of batch N with the watermark of batch N-1, which this test makes visible: without
     * no-data batches, the batch that first carries a watermark past the window still includes an event for it; only
     * the batch after drops one. Link 3's boundary names exactly that split (it fails if it used batch N's own).
     */
    @Test
    void theLateRowFilterLagsOneBatchAndTheAccountingFollowsIt() {
        String topic = cluster.createRandomTopic();
        Instant windowStart = at(10, 0);
        Instant windowEnd = at(15, 0);
        String key = "spark.sql.streaming.noDataMicroBatches.enabled";
        spark.conf().set(key, "false");
        JobRun started;
        try {
            started = JobRun.start(tmp, cluster.bootstrapServers(), topic, "--sinks", "pv,events");
        } finally {
            spark.conf().unset(key); // each query keeps the settings it started with
        }
        try (Events events = new Events(cluster.bootstrapServers(), topic); JobRun run = started) {
            String onTime = events.send("u1", "/home", at(10, 30));
            events.send("clock", "/clock", at(18, 0));
            run.awaitWindowsCaughtUp(events.sent());
            // This batch raises the watermark to T+16, past the window's end.
            events.send("clock", "/clock", at(21, 0));
            run.awaitWindowsCaughtUp(events.sent());
            // Next batch: its offsets carry watermark T+16, but its late filter uses the previous one (T+13).
            String includedAfterPass = events.send("u2", "/home", at(13, 0));
            run.awaitWindowsCaughtUp(events.sent());
            // The batch after: filtered with T+16, dropped.
            String dropped = events.send("u3", "/home", at(13, 30));
            run.awaitWindowsCaughtUp(events.sent());

            List<Row> pv = Committed.rows(spark, run.output("pv"),
                    "select page_id, pv from t where window_start = '" + Timestamp.from(windowStart) + "'");
            assertThat(pv).extracting(r -> r.getString(0), r -> r.getLong(1)).containsExactly(tuple("/home", 2L));

            Map<Boolean, List<String>> byCounted = Link3.read(run.root)
                    .split(spark, run.output("events"), windowStart, windowEnd);
            assertThat(byCounted.get(true)).containsExactlyInAnyOrder(onTime, includedAfterPass);
            assertThat(byCounted.get(false)).containsExactly(dropped);
        }
    }

    @Test
    void uvOfTwentyThousandDistinctUsersIsWithinThreeSigmaAndEqualsTheBatchSketch() {
        String topic = cluster.createRandomTopic();
        int users = 20_000;
        try (Events events = new Events(cluster.bootstrapServers(), topic);
             JobRun run = JobRun.start(tmp, cluster.bootstrapServers(), topic, "--sinks", "uv,events")) {
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                batch.add(Events.json(Events.newId(), "user-" + i, "/p" + (i % 7), at(30, i % 300), "view"));
                if (i % 4 == 0) {
                    // a repeat visit: must not count twice
                    batch.add(Events.json(Events.newId(), "user-" + i, "/again", at(31, 0), "view"));
                }
            }
            events.sendRaw(batch);
            events.send("clock", "/clock", at(45, 0));
            run.awaitCommitted("ingest", events.sent());
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                    !Committed.rows(spark, run.output("uv"), "select * from t").isEmpty());
            List<Row> uv = Committed.rows(spark, run.output("uv"),
                    "select uv from t where window_start = '" + Timestamp.from(at(30, 0)) + "'");
            assertThat(uv).hasSize(1);
            long estimate = uv.get(0).getLong(0);
            // UV_RSD 0.01: lgK 14, 2^14 registers: sigma = 1.04 / 128 = 0.8125 %.
            double sigma = UvPrecision.sigma(run.options.lgK());
            assertThat((double) Math.abs(estimate - users)).isLessThanOrEqualTo(3 * sigma * users);
            // The same union of per-page sketches, in batch: the same registers, so the same estimate.
            long batchSketch = Committed.rows(spark, run.output("events"), ("select hll_sketch_estimate("
                    + "hll_union_agg(s)) from (select page_id, hll_sketch_agg(user_id, %d) as s from t where"
                    + " event_time >= '%s' and event_time < '%s' group by page_id)").formatted(run.options.lgK(),
                    Timestamp.from(at(30, 0)), Timestamp.from(at(35, 0)))).get(0).getLong(0);
            assertThat(estimate).isEqualTo(batchSketch);
        }
    }

    @Test
    void restartFromCheckpointRewritesNoFinalizedWindow() throws IOException {
        String topic = cluster.createRandomTopic();
        Path root = tmp.resolve("root");
        String sealedFilter = "window_start < '" + Timestamp.from(at(10, 0)) + "'";
        List<Row> pvBefore;
        List<Row> uvBefore;
        List<Row> filesBefore;
        try (Events events = new Events(cluster.bootstrapServers(), topic)) {
            try (JobRun run = JobRun.start(root, cluster.bootstrapServers(), topic)) {
                events.send("u1", "/a", at(0, 10));
                events.send("u2", "/b", at(6, 0));
                events.send("clock", "/clock", at(20, 0));
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                        Committed.rows(spark, run.output("pv"), "select * from t where " + sealedFilter).size() == 2
                                && Committed.rows(spark, run.output("uv"), "select * from t").size() == 2);
                run.awaitWindowsCaughtUp(events.sent());
                pvBefore = Committed.rows(spark, run.output("pv"), "select * from t order by window_start, page_id");
                uvBefore = Committed.rows(spark, run.output("uv"), "select * from t order by window_start");
                filesBefore = filesPerWindow(run.output("pv"));
            }
            try (JobRun run = JobRun.start(root, cluster.bootstrapServers(), topic)) {
                // After the restart: a late event for a finalized window and new events that seal a new window.
                events.send("u9", "/a", at(1, 0));
                events.send("u3", "/c", at(21, 0));
                events.send("clock", "/clock", at(40, 0));
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                        Committed.rows(spark, run.output("pv"), "select * from t where window_start = '"
                                + Timestamp.from(at(20, 0)) + "'").size() == 2);
                List<Row> pvAfter = Committed.rows(spark, run.output("pv"),
                        "select * from t where " + sealedFilter + " order by window_start, page_id");
                assertThat(pvAfter).isEqualTo(pvBefore.stream()
                        .filter(r -> r.getTimestamp(0).toInstant().isBefore(at(10, 0))).toList());
                assertThat(Committed.rows(spark, run.output("uv"),
                        "select * from t where " + sealedFilter + " order by window_start")).isEqualTo(uvBefore);
                // The same committed files hold the finalized windows' rows: none was added for them.
                assertThat(filesPerWindow(run.output("pv")).stream()
                        .filter(r -> r.getTimestamp(0).toInstant().isBefore(at(10, 0))).toList())
                        .isEqualTo(filesBefore);
                assertThat(Committed.rows(spark, run.output("pv"),
                        "select window_start, page_id from t group by 1, 2 having count(*) > 1")).isEmpty();
            }
        }
    }

    @Test
    void aCheckpointPointedAtAnotherOutputIsRefusedWithAClearMessage() {
        String topic = cluster.createRandomTopic();
        Path first = tmp.resolve("first");
        try (Events events = new Events(cluster.bootstrapServers(), topic)) {
            try (JobRun run = JobRun.start(first, cluster.bootstrapServers(), topic, "--sinks", "events")) {
                events.send("u1", "/a", at(0, 10));
                run.awaitCommitted("ingest", events.sent());
            }
            Path otherOutput = tmp.resolve("elsewhere/parquet");
            assertThatThrownBy(() -> JobRun.start(first, cluster.bootstrapServers(), topic, "--sinks", "events",
                    "--output-root", otherOutput.toString()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(first.resolve("chk/ingest").toString())
                    .hasMessageContaining("belongs to output")
                    .hasMessageContaining(otherOutput.resolve("events").toString());
            // And the other way round: a fresh checkpoint over an output that has committed batches.
            assertThatThrownBy(() -> JobRun.start(first, cluster.bootstrapServers(), topic, "--sinks", "events",
                    "--checkpoint-root", tmp.resolve("fresh-chk").toString()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already has committed batches");
            assertThat(otherOutput.resolve("events")).doesNotExist();
        }
    }

    /** Per window: how many committed files hold its rows, and which. */
    private List<Row> filesPerWindow(Path output) {
        return Committed.rows(spark, output, "select window_start, count(distinct f), sort_array(collect_set(f))"
                + " from (select window_start, input_file_name() as f from t) group by 1 order by 1");
    }
}
