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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static io.streamingclicks.job.support.EventTimes.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shaded jar run as its own process with {@code java -jar}: SIGKILL lands while a batch of one of the two queries
 * is in flight (its {@code offsets/N} written, {@code commits/N} not, an orphan Parquet file in one of its outputs),
 * the job restarts from its checkpoints, and the committed output has no duplicate key, links 2 and 3
 * (docs/accounting.md) hold exactly, and no window committed before the kill is written again; SIGTERM then stops it
 * with every planned batch of both queries committed.
 */
@ExtendWith(SharedKafka.class)
class CrashRecoveryIT {

    private static final int EVENTS = 40_000;
    private static final int TOPN = 3;
    private static final List<String> WINDOW_OUTPUTS = List.of("pv", "uv", "topn");
    /** Every window before the clock's is sealed at the end: this is the last one. */
    private static final Instant LAST_WINDOW = T.plus(Duration.ofMinutes(24));

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
    void sigkillDuringAnIngestBatchThenRestartLosesAndDoublesNothing() throws Exception {
        topic = cluster.createRandomTopic();
        Path root = tmp.resolve("data");
        try (Events events = new Events(cluster.bootstrapServers(), topic)) {
            long bad = sendClicks(events);

            // Kill until the kill lands inside an ingest batch with an events file written (not empty) but not
            // committed: a windows query that listed the directory instead of its log would count it.
            List<Path> orphans = JobProcesses.killInsideAnEventsBatchLeavingBytes(root, 8,
                    () -> startJob(root, "--max-offsets-per-trigger", "4000"));

            long total = restartAndFinish(root, events);

            // The orphans are still on disk and were never output, nor read by the windows query.
            assertThat(orphans).allMatch(Files::exists);
            System.out.printf("orphans of the killed ingest batch: %s%n", orphans.stream()
                    .map(o -> root.relativize(o) + " " + o.toFile().length() + " bytes").toList());
            assertThat(Committed.named(root.resolve("parquet/events")))
                    .noneMatch(f -> orphans.stream().anyMatch(o -> f.endsWith(o.getFileName())));
            assertRecovered(root, total, bad);
        }
    }

    @Test
    void sigkillDuringAWindowsBatchThenRestartRewritesNoWindow() throws Exception {
        topic = cluster.createRandomTopic();
        Path root = tmp.resolve("data");
        try (Events events = new Events(cluster.bootstrapServers(), topic)) {
            long bad = sendClicks(events);

            // Small ingest batches: each seals a window or two, so windows batches with output come often.
            List<Path> orphans = JobProcesses.killInsideAWindowsBatch(root, 8,
                    () -> startJob(root, "--max-offsets-per-trigger", "2000"));
            long inFlight = Checkpoints.lastBatch(root.resolve("chk/windows"));
            Map<String, Map<String, String>> filesBefore = new TreeMap<>();
            Map<String, Map<String, List<String>>> rowsBefore = new TreeMap<>();
            for (String output : WINDOW_OUTPUTS) {
                filesBefore.put(output, committedFiles(root.resolve("parquet").resolve(output)));
                rowsBefore.put(output, rowsByWindow(root, output));
            }
            System.out.printf("killed in windows batch %d: orphans %s; committed it before the kill: %s%n", inFlight,
                    orphans.stream().map(root::relativize).toList(), WINDOW_OUTPUTS.stream()
                            .filter(o -> Committed.latestBatch(root.resolve("parquet").resolve(o)) >= inFlight)
                            .toList());
            assertThat(rowsBefore.get("pv")).as("windows committed in pv before the kill").isNotEmpty();

            long total = restartAndFinish(root, events);

            assertThat(orphans).allMatch(Files::exists);
            for (String output : WINDOW_OUTPUTS) {
                Path dir = root.resolve("parquet").resolve(output);
                assertThat(Committed.named(dir)).as("committed files of %s", output)
                        .noneMatch(f -> orphans.stream().anyMatch(o -> f.endsWith(o.getFileName())));
                // No rewritten window: what was committed before the kill is still committed, byte for byte.
                Map<String, String> after = committedFiles(dir);
                assertThat(after).as("committed files of %s before the kill, after the restart", output)
                        .containsAllEntriesOf(filesBefore.get(output));
                Map<String, List<String>> rowsAfter = rowsByWindow(root, output);
                rowsBefore.get(output).forEach((window, rows) -> assertThat(rowsAfter.get(window))
                        .as("rows of %s for window %s, committed before the kill", output, window)
                        .isEqualTo(rows));
            }
            assertRecovered(root, total, bad);
        }
    }

    /** 40 000 clicks over 25 minutes of event time in order, 1-minute windows, and a few unparsable records. */
    private static long sendClicks(Events events) {
        long bad = 0;
        Random random = new Random(42);
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            Instant t = T.plusMillis(i * 25L * 60_000 / EVENTS);
            batch.add(Events.json(Events.newId(), "u" + random.nextInt(3000), "/p" + random.nextInt(20), t, "view"));
            if (i % 4_000 == 0) {
                batch.add("not json " + i);
                bad++;
            }
        }
        events.sendRaw(batch);
        System.out.printf("%d records sent at %s%n", events.sent(), Instant.now());
        return bad;
    }

    /**
     * Restarts the job (it redoes the interrupted batch from its logged offsets, then reads the rest uncapped), sends
     * a clock far ahead, waits until every window before it is sealed, and stops it with SIGTERM: exit 0, every
     * planned batch of both queries committed. Returns the records sent.
     */
    private long restartAndFinish(Path root, Events events) {
        JobProcess job = startJob(root);
        events.send("clock", "/clock", T.plus(Duration.ofHours(2)));
        long total = events.sent();
        job.awaitCaughtUp(total, Duration.ofSeconds(240));
        System.out.printf("all read by both queries at %s%n", Instant.now());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            job.assertAlive();
            return Committed.hasWindow(spark, root.resolve("parquet/pv"), LAST_WINDOW);
        });
        System.out.printf("last window sealed at %s%n", Instant.now());
        job.assertStopsCleanly();
        Checkpoints.assertEveryPlannedBatchCommitted(root, Committed.QUERIES);
        return total;
    }

    /** Link 2 exact, one row per key in every aggregate output, link 3 exact. */
    private void assertRecovered(Path root, long total, long bad) {
        // Link 2: events and quarantine offsets together are contiguous from 0, no gap, no repeat.
        var ev = Committed.read(spark, root.resolve("parquet/events")).selectExpr("kafka_partition", "kafka_offset");
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
        assertThat(Committed.rows(spark, root.resolve("parquet/topn"),
                "select window_start, rank from t group by 1, 2 having count(*) > 1")).isEmpty();
        assertThat(Committed.rows(spark, root.resolve("parquet/topn"), "select distinct window_start from t"))
                .as("windows ranked").hasSameSizeAs(Committed.rows(spark, root.resolve("parquet/pv"),
                        "select distinct window_start from t"));

        // Link 3, exact: Σpv(w) = the committed events of w the windows query counted.
        Link3.assertPvIsTheCountedEvents(spark, root, T, LAST_WINDOW, Duration.ofMinutes(1));
    }

    /** The output's committed rows (without the binary sketch) grouped by window, each window's rows sorted. */
    private Map<String, List<String>> rowsByWindow(Path root, String output) {
        String columns = switch (output) {
            case "pv" -> "page_id, cast(pv as string)";
            case "uv" -> "cast(window_end as string), cast(uv as string)";
            default -> "cast(rank as string), page_id, cast(pv as string)";
        };
        Map<String, List<String>> out = new TreeMap<>();
        Committed.rows(spark, root.resolve("parquet").resolve(output),
                        "select cast(window_start as string), concat_ws('|', " + columns + ") from t order by 1, 2")
                .forEach(r -> out.computeIfAbsent(r.getString(0), w -> new ArrayList<>()).add(r.getString(1)));
        return out;
    }

    /** The files the output's log names: file name -> size and modification time. */
    private static Map<String, String> committedFiles(Path output) {
        Map<String, String> out = new TreeMap<>();
        for (Path f : Committed.named(output)) {
            try {
                out.put(output.relativize(f).toString(), Files.size(f) + " bytes, modified "
                        + Files.getLastModifiedTime(f).toInstant());
            } catch (IOException e) {
                throw new UncheckedIOException("committed file " + f + " is gone", e);
            }
        }
        return out;
    }

    private JobProcess startJob(Path root, String... extra) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", cluster.bootstrapServers(),
                "--topic", topic, "--topn", Integer.toString(TOPN)));
        args.addAll(List.of(extra));
        return jobs.start(root, JobProcesses.minuteWindows(root, args.toArray(String[]::new)));
    }
}
