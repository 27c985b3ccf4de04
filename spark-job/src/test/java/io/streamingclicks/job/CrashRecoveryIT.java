package io.streamingclicks.job;

import io.streamingclicks.accounting.spark.BatchOffsets;
import io.streamingclicks.accounting.spark.CheckpointLog;
import io.streamingclicks.accounting.spark.CommittedOutput;
import io.streamingclicks.job.support.Checkpoints;
import io.streamingclicks.job.support.Committed;
import io.streamingclicks.job.support.Events;
import io.streamingclicks.job.support.JobProcess;
import io.streamingclicks.job.support.JobProcesses;
import io.streamingclicks.job.support.SharedKafka;
import io.streamingclicks.job.support.TestSpark;
import io.streamingclicks.kafka.KafkaCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shaded jar run as its own process with {@code java -jar}: SIGKILL lands while a batch is in flight (its
 * {@code offsets/N} written, {@code commits/N} not, an orphan Parquet file in the events sink), the job restarts
 * from its checkpoints, and the committed output has no duplicate key and matches DESIGN.md's accounting exactly;
 * SIGTERM then stops it with no batch half-committed.
 */
@ExtendWith(SharedKafka.class)
class CrashRecoveryIT {

    private static final int EVENTS = 40_000;
    private static final String[] SINKS = {"uv", "pv", "events", "quarantine"};
    private static final Instant T = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.HOURS);

    private final KafkaCluster cluster;
    private final SparkSession spark = TestSpark.get();
    @RegisterExtension
    final JobProcesses jobs = new JobProcesses();
    @TempDir
    Path tmp;
    private String topic;

    CrashRecoveryIT(KafkaCluster cluster) {
        this.cluster = cluster;
    }

    @Test
    void sigkillDuringABatchThenRestartLosesAndDoublesNothing() throws Exception {
        topic = cluster.createRandomTopic();
        Path root = tmp.resolve("data");
        long bad = 0;
        try (Events events = new Events(cluster.bootstrapServers(), topic)) {
            Random random = new Random(42);
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                // 25 minutes of event time in order, 1-minute windows: many windows seal during the run.
                Instant t = T.plusMillis(i * 25L * 60_000 / EVENTS);
                batch.add(Events.json(Events.newId(), "u" + random.nextInt(3000), "/p" + random.nextInt(20), t,
                        "view"));
                if (i % 4_000 == 0) {
                    batch.add("not json " + i);
                    bad++;
                }
            }
            events.sendRaw(batch);
            System.out.printf("%d records sent at %s%n", events.sent(), Instant.now());

            // Kill until the kill lands inside a batch of the events query with a file written but not committed.
            boolean landed = JobProcesses.killUntilLandedIn("inside an events batch", 8,
                    () -> startJob(root, "--max-offsets-per-trigger", "4000"),
                    () -> Checkpoints.batchInFlightWithOrphan(root.resolve("chk/events"),
                            root.resolve("parquet/events")));
            List<Path> orphans = landed ? Committed.orphans(root.resolve("parquet/events")) : List.of();
            assertThat(orphans).as("a SIGKILL that left offsets/N without commits/N and an orphan file").isNotEmpty();

            // Restart: it redoes the interrupted batch from its logged offsets, then reads the rest uncapped.
            JobProcess job = startJob(root);
            events.send("clock", "/clock", T.plus(Duration.ofHours(2)));
            long total = events.sent();
            for (String sink : List.of("events", "quarantine", "pv", "uv")) {
                job.awaitCommitted(sink, total, Duration.ofSeconds(240));
            }
            // Every window before the clock's is sealed: wait for the last one's pv rows.
            Instant lastWindow = T.plus(Duration.ofMinutes(24));
            System.out.printf("all read by every query at %s%n", Instant.now());
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> !Committed.rows(
                    spark, root.resolve("parquet/pv"),
                    "select * from t where window_start = '" + Timestamp.from(lastWindow) + "'").isEmpty());

            // SIGTERM: the job stops between batches and exits 0, every planned batch committed.
            System.out.printf("last window sealed at %s%n", Instant.now());
            assertThat(job.stop()).as("exit status after SIGTERM; log ends:%n%s", job.logTail()).isZero();
            for (String sink : SINKS) {
                CheckpointLog log = CheckpointLog.read(root.resolve("chk/" + sink));
                assertThat(log.batches()).as("chk/%s commits", sink).allMatch(BatchOffsets::committed);
            }

            // The orphans are still on disk and were never output.
            List<Path> leftovers = orphans;
            assertThat(leftovers).allMatch(Files::exists);
            assertThat(CommittedOutput.read(root.resolve("parquet/events")).named())
                    .noneMatch(f -> leftovers.stream().anyMatch(o -> f.endsWith(o.getFileName())));

            // Link 2: events and quarantine offsets together are contiguous from 0, no gap, no repeat.
            var ev = Committed.read(spark, root.resolve("parquet/events"))
                    .selectExpr("kafka_partition", "kafka_offset");
            var qu = Committed.read(spark, root.resolve("parquet/quarantine"))
                    .selectExpr("kafka_partition", "kafka_offset");
            assertThat(qu.count()).isEqualTo(bad);
            ev.union(qu).createOrReplaceTempView("offsets");
            List<Row> perPartition = spark.sql("select kafka_partition, count(*), count(distinct kafka_offset),"
                    + " min(kafka_offset), max(kafka_offset) from offsets group by 1").collectAsList();
            assertThat(perPartition.stream().mapToLong(r -> r.getLong(1)).sum()).isEqualTo(total);
            assertThat(perPartition).allSatisfy(r -> {
                assertThat(r.getLong(1)).isEqualTo(r.getLong(2));
                assertThat(r.getLong(3)).isZero();
                assertThat(r.getLong(4)).isEqualTo(r.getLong(1) - 1);
            });

            // One row per key in the aggregates, after any number of kills.
            assertThat(Committed.rows(spark, root.resolve("parquet/pv"),
                    "select window_start, page_id from t group by 1, 2 having count(*) > 1")).isEmpty();
            assertThat(Committed.rows(spark, root.resolve("parquet/uv"),
                    "select window_start from t group by 1 having count(*) > 1")).isEmpty();

            // Link 3, exact: Σpv(w) = events of w below the start offsets of the first batch that filters w as late.
            assertPvMatchesAccounting(root, lastWindow);
        }
    }

    private void assertPvMatchesAccounting(Path root, Instant lastWindow) {
        CheckpointLog log = CheckpointLog.read(root.resolve("chk/pv"));
        List<Row> bounds = new ArrayList<>();
        for (Instant w = T; !w.isAfter(lastWindow); w = w.plus(Duration.ofMinutes(1))) {
            // No batch filters the newest windows yet: every event of them read so far was counted.
            Map<Integer, Long> b = log.lateBoundary(w.plus(Duration.ofMinutes(1)))
                    .orElse(Map.of(0, Long.MAX_VALUE, 1, Long.MAX_VALUE, 2, Long.MAX_VALUE));
            for (var e : b.entrySet()) {
                bounds.add(RowFactory.create(Timestamp.from(w), e.getKey(), e.getValue()));
            }
        }
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("window_start", DataTypes.TimestampType, false),
                DataTypes.createStructField("kafka_partition", DataTypes.IntegerType, false),
                DataTypes.createStructField("start_offset", DataTypes.LongType, false)));
        spark.createDataFrame(bounds, schema).createOrReplaceTempView("bounds");
        Committed.read(spark, root.resolve("parquet/events")).createOrReplaceTempView("events");
        Committed.read(spark, root.resolve("parquet/pv")).createOrReplaceTempView("pv");
        List<Row> mismatches = spark.sql("""
                with expected as (
                  select b.window_start, count(e.event_id) as n
                  from bounds b left join events e
                    on e.kafka_partition = b.kafka_partition and e.kafka_offset < b.start_offset
                   and timestamp_seconds(floor(unix_seconds(e.event_time) / 60) * 60) = b.window_start
                  group by b.window_start),
                actual as (select window_start, sum(pv) as n from pv group by window_start)
                select x.window_start, x.n as expected, a.n as actual
                from expected x full outer join actual a on x.window_start = a.window_start
                where x.window_start is not null and coalesce(x.n, -1) <> coalesce(a.n, 0)
                """).collectAsList();
        assertThat(mismatches).isEmpty();
        assertThat(spark.sql("select count(*) from bounds").first().getLong(0)).isEqualTo(25 * 3);
    }

    private JobProcess startJob(Path root, String... extra) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", cluster.bootstrapServers(),
                "--topic", topic, "--data-dir", root.toString(), "--window", "1 minute", "--watermark", "1 minute",
                "--trigger", "200 ms"));
        args.addAll(List.of(extra));
        return jobs.start(root, args.toArray(String[]::new));
    }
}
