package io.streamingclicks.job;

import io.streamingclicks.job.support.Checkpoints;
import io.streamingclicks.job.support.Committed;
import io.streamingclicks.job.support.Events;
import io.streamingclicks.job.support.JobProcess;
import io.streamingclicks.job.support.JobProcesses;
import io.streamingclicks.job.support.Link3;
import io.streamingclicks.job.support.SharedKafka;
import io.streamingclicks.job.support.TestSpark;
import io.streamingclicks.kafka.KafkaCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.streamingclicks.job.support.EventTimes.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shaded jar run as its own process with {@code java -jar}: SIGKILL lands while a batch is in flight (its
 * {@code offsets/N} written, {@code commits/N} not, an orphan Parquet file in the events sink), the job restarts
 * from its checkpoints, and the committed output has no duplicate key and matches link 3 (docs/accounting.md)
 * exactly; SIGTERM then stops it with no batch half-committed.
 */
@ExtendWith(SharedKafka.class)
class CrashRecoveryIT {

    private static final int EVENTS = 40_000;

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
            List<Path> orphans = JobProcesses.killInsideAnEventsBatch(root, 8,
                    () -> startJob(root, "--max-offsets-per-trigger", "4000"));

            // Restart: it redoes the interrupted batch from its logged offsets, then reads the rest uncapped.
            JobProcess job = startJob(root);
            events.send("clock", "/clock", T.plus(Duration.ofHours(2)));
            long total = events.sent();
            job.awaitCaughtUp(total, Duration.ofSeconds(240));
            // Every window before the clock's is sealed: wait for the last one's pv rows.
            Instant lastWindow = T.plus(Duration.ofMinutes(24));
            System.out.printf("all read by every query at %s%n", Instant.now());
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> Committed.hasWindow(spark, root.resolve("parquet/pv"), lastWindow));

            // SIGTERM: the job stops between batches and exits 0, every planned batch committed.
            System.out.printf("last window sealed at %s%n", Instant.now());
            job.assertStopsCleanly();
            Checkpoints.assertEveryPlannedBatchCommitted(root, Committed.FILE_SINKS);

            // The orphans are still on disk and were never output.
            List<Path> leftovers = orphans;
            assertThat(leftovers).allMatch(Files::exists);
            assertThat(Committed.named(root.resolve("parquet/events")))
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
            Link3.assertPvIsTheCountedEvents(spark, root, T, lastWindow, Duration.ofMinutes(1));
        }
    }

    private JobProcess startJob(Path root, String... extra) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", cluster.bootstrapServers(),
                "--topic", topic));
        args.addAll(List.of(extra));
        return jobs.start(root, JobProcesses.minuteWindows(root, args.toArray(String[]::new)));
    }
}
