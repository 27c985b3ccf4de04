package io.streamingclicks.job;

import io.streamingclicks.accounting.spark.CheckpointLog;
import io.streamingclicks.contract.QuarantineReason;
import io.streamingclicks.contract.UvPrecision;
import io.streamingclicks.contract.Warehouse;
import io.streamingclicks.job.sink.IcebergTables;
import io.streamingclicks.job.support.Events;
import io.streamingclicks.job.support.JobRun;
import io.streamingclicks.job.support.SharedKafka;
import io.streamingclicks.job.support.TableLink3;
import io.streamingclicks.job.support.Tables;
import io.streamingclicks.job.support.TestSpark;
import io.streamingclicks.kafka.KafkaCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.streamingclicks.job.support.EventTimes.T;
import static io.streamingclicks.job.support.EventTimes.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Kafka -> the job with {@code --format iceberg} -> the tables of {@code DATA_DIR/warehouse}, against real brokers
 * and local Spark: the same rows as the Parquet format's, and each batch committed once, recognised by the query id
 * and batch id in the snapshot summary (docs/iceberg.md).
 */
@ExtendWith(SharedKafka.class)
class IcebergIT {

    private final KafkaCluster cluster;
    @TempDir
    Path tmp;

    IcebergIT(KafkaCluster cluster) {
        this.cluster = cluster;
    }

    @Test
    void pvIsExactPerWindowAndPageAndUvWithinItsBounds() {
        String topic = cluster.createRandomTopic();
        Map<String, Long> expectedPv = new TreeMap<>();
        int users = 2_000;
        try (Events events = new Events(cluster.bootstrapServers(), topic);
             JobRun run = JobRun.start(tmp, cluster.bootstrapServers(), topic, "--format", "iceberg", "--topn", "2")) {
            events.send("u1", "/a", at(0, 1));
            events.send("u2", "/a", at(1, 0));
            events.send("u1", "/a", at(4, 59));
            events.send("u3", "/b", at(2, 0));
            events.sendRaw(List.of("this is not json"));
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                String page = "/p" + (i % 7);
                batch.add(Events.json(Events.newId(), "user-" + i, page, at(30, i % 300), "view"));
                expectedPv.merge(page, 1L, Long::sum);
                if (i % 3 == 0) {
                    batch.add(Events.json(Events.newId(), "user-" + i, "/again", at(31, 0), "view"));
                    expectedPv.merge("/again", 1L, Long::sum);
                }
            }
            events.sendRaw(batch);
            // Advances the watermark to T+40 min: the windows at T and T+30 are sealed.
            events.send("clock", "/clock", at(45, 0));

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                    Tables.rows(run.spark, "uv", "select * from t").size() >= 2);
            List<Row> pv = Tables.rows(run.spark, "pv",
                    "select window_start, page_id, pv, date, hour from t order by window_start, page_id");
            assertThat(pv.subList(0, 2)).extracting(r -> r.getTimestamp(0).toInstant(), r -> r.getString(1),
                    r -> r.getLong(2)).containsExactly(tuple(at(0, 0), "/a", 3L), tuple(at(0, 0), "/b", 1L));
            Map<String, Long> pvAt30 = new TreeMap<>();
            pv.stream().filter(r -> r.getTimestamp(0).toInstant().equals(at(30, 0)))
                    .forEach(r -> pvAt30.put(r.getString(1), r.getLong(2)));
            assertThat(pvAt30).isEqualTo(expectedPv);
            // date and hour stay plain columns, as the Parquet format's partition columns read.
            assertThat(pv.get(0).getString(3)).isEqualTo(T.toString().substring(0, 10));
            assertThat(pv.get(0).getInt(4)).isEqualTo(T.atZone(java.time.ZoneOffset.UTC).getHour());

            // Link 3 per sealed window, exactly: Σpv = the events of the ingest batches the boundary batch had read.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
                Long sealed = CheckpointLog.read(run.checkpoint("windows")).committedWatermark();
                return sealed != null && sealed >= at(35, 0).toEpochMilli();
            });
            assertThat(TableLink3.assertPvIsTheCountedEvents(run, run.options.window()))
                    .containsEntry(at(0, 0), 4L).containsEntry(at(30, 0), (long) users + (users + 2) / 3);
            assertThat(io.streamingclicks.accounting.spark.BatchHistory.ingestHighWaters(run.checkpoint("windows")))
                    .as("windows batches recorded with their ingest high-water").isNotEmpty();

            List<Row> uv = Tables.rows(run.spark, "uv", "select window_start, uv, uv_sketch from t order by 1");
            assertThat(uv).extracting(r -> r.getTimestamp(0).toInstant(), r -> r.getLong(1))
                    .startsWith(tuple(at(0, 0), 3L));
            long estimate = uv.get(1).getLong(1);
            double sigma = UvPrecision.sigma(run.options.lgK());
            assertThat((double) Math.abs(estimate - users)).isLessThanOrEqualTo(3 * sigma * users);
            assertThat((byte[]) uv.get(1).get(2)).isNotEmpty();

            assertThat(Tables.rows(run.spark, "topn", "select window_start, rank, page_id, pv from t"
                    + " where window_start = '" + Timestamp.from(at(0, 0)) + "' order by rank"))
                    .extracting(r -> r.getInt(1), r -> r.getString(2), r -> r.getLong(3))
                    .containsExactly(tuple(1, "/a", 3L), tuple(2, "/b", 1L));
            assertThat(Tables.rows(run.spark, "quarantine", "select raw, reason from t"))
                    .extracting(r -> r.getString(0), r -> r.getString(1))
                    .containsExactly(tuple("this is not json", QuarantineReason.UNPARSEABLE_JSON.code()));
            assertThat(Tables.rows(run.spark, "events", "select count(*), count(distinct event_id) from t").get(0))
                    .satisfies(r -> assertThat(r.getLong(0)).isEqualTo(events.sent() - 1).isEqualTo(r.getLong(1)));

            // Hidden partitions by hour of each table's time column; every commit names its query and batch.
            IcebergTables tables = IcebergTables.open(run.spark, run.layout());
            assertThat(tables.load("pv").spec().toString()).contains("window_start_hour", "hour(");
            assertThat(tables.load("events").spec().toString()).contains("event_time_hour");
            assertThat(tables.load("quarantine").spec().toString()).contains("kafka_timestamp_hour");
            Map<String, String> properties = new java.util.HashMap<>(IcebergTables.PROPERTIES);
            assertThat(properties.remove("format-version")).isEqualTo("2");
            assertThat(tables.load("pv").properties()).containsAllEntriesOf(properties);
            assertThat(((org.apache.iceberg.BaseTable) tables.load("pv")).operations().current().formatVersion())
                    .isEqualTo(2);
            assertThat(Tables.snapshots(run.spark, "pv")).allSatisfy(s -> assertThat(s.<String, String>getJavaMap(2))
                    .containsEntry(Warehouse.SUMMARY_QUERY_ID, queryId(run.checkpoint("windows")))
                    .containsKey(Warehouse.SUMMARY_BATCH_ID));
        }
    }

    /**
     * After a clean stop, the last {@code commits/N} of both queries is deleted, as a crash between the tables'
     * commits and the checkpoint's would leave it: Spark redoes batch N, each table finds batch N in its snapshot
     * summary under the checkpoint's query id, and skips it. Then the same redo under another query id (the
     * checkpoint's {@code metadata} rewritten) is appended a second time: the id in the summary is what makes a batch
     * once. Without the skip in {@code IcebergSink} (or with the check run under any other id) the first half fails:
     * pv has two snapshots and every (window, page) twice.
     */
    @Test
    void aRedoneBatchIsSkippedNotAppendedTwiceAndANewCheckpointIsRefused() throws IOException {
        String topic = cluster.createRandomTopic();
        Path root = tmp.resolve("root");
        try (Events events = new Events(cluster.bootstrapServers(), topic)) {
            long windowsBatch;
            long ingestBatch;
            List<Row> pvBefore;
            try (JobRun run = start(root, topic)) {
                events.send("u1", "/a", at(0, 10));
                events.send("u2", "/b", at(1, 0));
                events.send("u2", "/a", at(2, 0));
                events.send("clock", "/clock", at(20, 0));
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() ->
                        Tables.rows(run.spark, "pv", "select * from t").size() == 2 && idle(run));
                windowsBatch = lastCommit(run.checkpoint("windows"));
                ingestBatch = lastCommit(run.checkpoint("ingest"));
                // The batches whose commits are deleted below are the ones that wrote pv and events last.
                assertThat(Tables.lastSummary(run.spark, "pv"))
                        .containsEntry(Warehouse.SUMMARY_BATCH_ID, Long.toString(windowsBatch));
                assertThat(Tables.lastSummary(run.spark, "events"))
                        .containsEntry(Warehouse.SUMMARY_BATCH_ID, Long.toString(ingestBatch));
                pvBefore = Tables.rows(run.spark, "pv", "select * from t order by window_start, page_id");
            }
            Files.delete(commit(root, "windows", windowsBatch));
            Files.delete(commit(root, "ingest", ingestBatch));
            try (JobRun run = start(root, topic)) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() ->
                        Files.exists(commit(root, "windows", windowsBatch))
                                && Files.exists(commit(root, "ingest", ingestBatch)) && idle(run));
                assertThat(Tables.rows(run.spark, "pv", "select * from t order by window_start, page_id"))
                        .isEqualTo(pvBefore);
                assertThat(Tables.snapshots(run.spark, "pv")).hasSize(1);
                assertThat(Tables.rows(run.spark, "events", "select count(*) from t").get(0).getLong(0))
                        .isEqualTo(events.sent());
                assertThat(Tables.snapshots(run.spark, "events")).extracting(s -> s.getJavaMap(2)
                        .get(Warehouse.SUMMARY_BATCH_ID)).doesNotHaveDuplicates();
            }

            // The same redo under another query id is not recognised: pv gets the batch's rows a second time.
            Path metadata = run(root).resolve("windows").resolve("metadata");
            Files.writeString(metadata, "{\"id\":\"" + UUID.randomUUID() + "\"}\n", StandardCharsets.UTF_8);
            Files.delete(commit(root, "windows", windowsBatch));
            try (JobRun run = start(root, topic)) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() ->
                        Files.exists(commit(root, "windows", windowsBatch)) && idle(run));
                assertThat(Tables.snapshots(run.spark, "pv")).hasSize(2);
                assertThat(Tables.rows(run.spark, "pv", "select window_start, page_id, count(*) from t"
                        + " group by 1, 2")).allSatisfy(r -> assertThat(r.getLong(2)).isEqualTo(2L));
            }

            // A new checkpoint over tables with commits would append again under its new query id: refused.
            assertThatThrownBy(() -> JobRun.start(root, cluster.bootstrapServers(), topic, "--format", "iceberg",
                    "--checkpoint-root", tmp.resolve("fresh-chk").toString()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("clicks.clicks.events")
                    .hasMessageContaining("already has committed batches");
        }
        // A table whose columns are not the job's is refused, naming the table and the columns.
        StructType other = new StructType().add("window_start", DataTypes.TimestampType)
                .add("page_id", DataTypes.StringType).add("views", DataTypes.LongType);
        IcebergTables tables = IcebergTables.open(TestSpark.get().newSession(), io.streamingclicks.contract.DataRoot
                .of(root.toString()));
        assertThatThrownBy(() -> tables.ensure("pv", other, "window_start"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("clicks.clicks.pv")
                .hasMessageContaining("views long")
                .hasMessageContaining("pv long");
    }

    private JobRun start(Path root, String topic) {
        return JobRun.start(root, cluster.bootstrapServers(), topic, "--format", "iceberg", "--sinks", "pv,events");
    }

    private static Path run(Path root) {
        return root.resolve("chk");
    }

    /** Every query of the run has committed each batch it planned and is between triggers. */
    private static boolean idle(JobRun run) throws IOException {
        for (String q : List.of("ingest", "windows")) {
            if (last(run.checkpoint(q).resolve("offsets")) != last(run.checkpoint(q).resolve("commits"))) {
                return false;
            }
        }
        return run.job.queries().stream().noneMatch(q -> q.status().isTriggerActive());
    }

    private static long lastCommit(Path checkpoint) throws IOException {
        return last(checkpoint.resolve("commits"));
    }

    private static Path commit(Path root, String query, long batch) {
        return run(root).resolve(query).resolve("commits").resolve(Long.toString(batch));
    }

    private static long last(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return -1;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+"))
                    .mapToLong(Long::parseLong).max().orElse(-1);
        }
    }

    private static String queryId(Path checkpoint) throws IOException {
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"")
                .matcher(Files.readString(checkpoint.resolve("metadata")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
