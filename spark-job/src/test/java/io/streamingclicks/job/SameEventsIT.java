package io.streamingclicks.job;

import io.streamingclicks.accounting.spark.CheckpointLog;
import io.streamingclicks.contract.UvPrecision;
import io.streamingclicks.job.support.Checkpoints;
import io.streamingclicks.job.support.Committed;
import io.streamingclicks.job.support.JobProcess;
import io.streamingclicks.job.support.JobProcesses;
import io.streamingclicks.job.support.Link3;
import io.streamingclicks.job.support.SharedKafka;
import io.streamingclicks.job.support.SteadyLateTraffic;
import io.streamingclicks.job.support.TestSpark;
import io.streamingclicks.job.support.Events;
import io.streamingclicks.kafka.KafkaCluster;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.streamingclicks.job.support.EventTimes.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * uv, pv and Top-N of a window come from the same events under steady live late traffic: a thread sends 400 events
 * per wall-clock second while the job runs ({@link SteadyLateTraffic}), event time advancing ten times faster than the
 * wall clock, 40 % of the events 10 to 250 s behind the newest, every user distinct (so a window's distinct users are
 * its counted events). With 20-second windows and watermark, a query seals a window some batches after its end, while
 * the window's late events keep arriving: which of them it counts depends on where it cut its batches. The lateness
 * reaches past any query's lag on a loaded machine (batch cycles of 1 to 20 wall-clock seconds, 10 to 200 s of event
 * time), so every query seals windows with late events in flight. The queries trigger on their own (200 ms); the job
 * is killed after 12 s of live traffic and restarted on the backlog sent meanwhile, then runs live 12 s again.
 * <p>
 * On the outputs alone (so the class runs on any build of the job, {@code -Dstreamingclicks.job.jar=<jar>}): every
 * sealed window's uv is Σpv within 5σ of the sketch (σ from UV_RSD 0.01: 4 %; about 550 events a window, so a 10 %
 * disagreement is 2.5 times the bound) and the Top-N ranks exactly the pv rows. On the two queries' data root (with
 * {@code chk/windows}) also, exactly: Σpv is the events link 3 says were counted and uv the sketch of those events.
 * <p>
 * The previous topology (one query per output, each reading the topic with its own batches and watermark) fails the
 * uv-vs-Σpv check in about half the windows, uv up to 50 % above Σpv: the spark-job README has the figures.
 */
@ExtendWith(SharedKafka.class)
class SameEventsIT {

    private static final Duration WINDOW = Duration.ofSeconds(20);
    private static final int SPEED = 10;
    private static final int PER_SECOND = 400;
    private static final double LATE_FRACTION = 0.4;
    private static final Duration LATE_MIN = Duration.ofSeconds(10);
    private static final Duration LATE_MAX = Duration.ofSeconds(250);
    private static final Duration LIVE = Duration.ofSeconds(12);
    private static final double RSD = 0.01;
    private static final int TOP = 5;
    /** HLL noise alone stays far inside this many σ; a disagreement of 10 % does not. */
    private static final double K_SIGMA = 5;
    private static final int RETAINED = 3;

    private final KafkaCluster cluster;
    private final SparkSession spark = TestSpark.get();
    /**
     * Spark keeps the last 3 batches of each checkpoint instead of 100, so the batches that first sealed the early
     * windows are purged during the run: link 3 finds them in {@code chk/windows/history}.
     */
    @RegisterExtension
    final JobProcesses jobs = new JobProcesses("-Dspark.sql.streaming.minBatchesToRetain=" + RETAINED);
    @TempDir
    Path tmp;

    SameEventsIT(KafkaCluster cluster) {
        this.cluster = cluster;
    }

    @Test
    void everySealedWindowsUvPvAndTopNCountTheSameEvents() throws Exception {
        String topic = cluster.createRandomTopic();
        Path root = tmp.resolve("data");
        String[] args = JobProcesses.minuteWindows(root, "--bootstrap-servers", cluster.bootstrapServers(),
                "--topic", topic, "--topn", String.valueOf(TOP), "--window", WINDOW.toSeconds() + " seconds",
                "--watermark", WINDOW.toSeconds() + " seconds", "--uv-rsd", String.valueOf(RSD));
        // On-time events start LATE_MAX after T, so the late ones never fall before T.
        Instant first = T.plus(LATE_MAX);
        Instant frontier;
        long sent;
        JobProcess job;
        try (SteadyLateTraffic traffic = new SteadyLateTraffic(cluster.bootstrapServers(), topic,
                new SteadyLateTraffic.Shape(first, SPEED, PER_SECOND, LATE_FRACTION, LATE_MIN, LATE_MAX), 11)) {
            job = runLive(jobs.start(root, args), root);
            // A crash with batches in flight; the traffic goes on, a backlog for the restart.
            job.kill();
            job = runLive(jobs.start(root, args), root);
            // A SIGTERM under the same traffic: both queries are always behind, yet each stops right after a
            // batch's checkpoint commit, not mid-batch at the end of the job's grace.
            assertStopsBetweenBatches(job);
            job = runLive(jobs.start(root, args), root);
            traffic.close();
            frontier = traffic.frontier();
            sent = traffic.sent();
        }
        try (Events events = new Events(cluster.bootstrapServers(), topic)) {
            events.send("clock", "/clock", frontier.plus(Duration.ofMinutes(5))); // seals every window sent
        }
        Instant lastWindow = windowOf(frontier);
        JobProcess running = job;
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            running.assertAlive();
            return Committed.hasWindow(spark, root.resolve("parquet/pv"), lastWindow)
                    && Committed.hasWindow(spark, root.resolve("parquet/uv"), lastWindow);
        });
        running.assertStopsCleanly();

        // On the outputs, for any build of the job.
        Map<Instant, Long> pv = perWindow(root, "pv", "sum(pv)");
        Map<Instant, Long> uv = perWindow(root, "uv", "sum(uv)");
        System.out.printf("SameEventsIT: per window (uv, Σpv): %s%n", pv.keySet().stream()
                .map(w -> w.toString().substring(11, 19) + "=(" + uv.get(w) + ", " + pv.get(w) + ")")
                .collect(Collectors.joining(" ")));
        Map<Instant, String> disagreeing = uvNotSumPv(uv, pv);
        Set<Instant> topnNotOfPv = topnNotOfPv(root);
        long counted = pv.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("SameEventsIT: %d events sent, %d counted in %d sealed windows; uv beyond %.0fσ of Σpv in"
                        + " %d windows %s; Top-N not the top %d of pv in %d windows%n", sent, counted, pv.size(),
                K_SIGMA, disagreeing.size(), disagreeing.values(), TOP, topnNotOfPv.size());
        assertThat(uv.keySet()).as("windows with a uv row").isEqualTo(pv.keySet());
        assertThat(disagreeing).as("windows whose uv is not Σpv within %.0fσ (every user distinct)", K_SIGMA)
                .isEmpty();
        assertThat(pv).as("sealed windows").hasSizeGreaterThanOrEqualTo(12);
        assertThat(counted).as("events counted of %d sent: the traffic did cross the seal", sent).isLessThan(sent);
        assertThat(topnNotOfPv).as("windows whose Top-N is not the top %d of their pv rows", TOP).isEmpty();

        // On the two queries' checkpoints, exactly.
        if (!Files.isDirectory(root.resolve("chk/windows"))) {
            assertThat(root.resolve("chk/pv")).as("the checkpoint of the windows query (or the previous"
                    + " topology's chk/pv)").isDirectory();
            System.out.println("SameEventsIT: the previous topology's data root: no chk/windows for link 3");
            return;
        }
        // Exact for the early windows too, whose first sealing batch Spark purged (checked below): a build of the job
        // that keeps no history fails here, link 3 then bounding them by a later batch.
        Link3.assertPvIsTheCountedEvents(spark, root, T, lastWindow, WINDOW);
        Checkpoints.assertHistoryKeepsPurgedBatches(root, "ingest");
        Checkpoints.assertHistoryKeepsPurgedBatches(root, "windows");
        assertBoundariesPurgedFromOffsetsButKnown(root, lastWindow);
        Map<Instant, Long> sketchOfCounted = sketchOfCountedEvents(root, pv.keySet());
        assertThat(uv).as("uv per window vs the sketch of the events pv counted (link 3)")
                .isEqualTo(sketchOfCounted);
        Checkpoints.assertEveryPlannedBatchCommitted(root, Committed.QUERIES);
    }

    /**
     * The batch that first sealed each window up to {@code last} is known to the checkpoint read with its history;
     * for the early windows it is no longer in {@code offsets/} (the retained files alone would give link 3 a later
     * batch, with more events files read, so late events taken as counted).
     */
    private static void assertBoundariesPurgedFromOffsetsButKnown(Path root, Instant last) {
        Path chk = root.resolve("chk/windows");
        CheckpointLog all = CheckpointLog.read(chk);
        CheckpointLog retained = CheckpointLog.readRetained(chk);
        List<Instant> purged = new ArrayList<>();
        for (Instant w = T; !w.isAfter(last); w = w.plus(WINDOW)) {
            Instant end = w.plus(WINDOW);
            assertThat(all.lateBoundaryExact(end)).as("the first batch sealing %s is known", w).isTrue();
            if (!retained.lateBoundaryExact(end)) {
                purged.add(w);
            }
        }
        System.out.printf("SameEventsIT: %d windows' first sealing batch purged from chk/windows/offsets, read from"
                + " its history%n", purged.size());
        assertThat(purged).as("windows whose first sealing batch Spark purged (minBatchesToRetain %d)", RETAINED)
                .isNotEmpty();
    }

    /**
     * Waits until the job on {@code root} has committed an events batch (it is up and reading the topic), then lets
     * it run {@link #LIVE} on live traffic.
     */
    private static void assertStopsBetweenBatches(JobProcess job) throws IOException {
        assertThat(job.stop()).as("exit status after SIGTERM under traffic; log ends:%n%s", job.logTail()).isZero();
        String log = Files.readString(job.log());
        assertThat(log).as("the job's log after SIGTERM under traffic")
                .contains("query ingest stopped between batches", "query windows stopped between batches")
                .doesNotContain("stopping it mid-batch");
    }

    private static JobProcess runLive(JobProcess job, Path root) throws InterruptedException {
        long before = eventsBatch(root);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            job.assertAlive();
            return eventsBatch(root) > before;
        });
        Thread.sleep(LIVE.toMillis());
        job.assertAlive();
        return job;
    }

    /** The events output's last committed batch, -1 before it has a log: written by every build of the job. */
    private static long eventsBatch(Path root) {
        Path events = root.resolve("parquet/events");
        return Files.isDirectory(events.resolve("_spark_metadata")) ? Committed.latestBatch(events) : -1;
    }

    private static Instant windowOf(Instant t) {
        long w = WINDOW.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), w) * w);
    }

    /** Windows whose uv differs from Σpv by more than K_SIGMA σ of the sketch (and at least 2 events). */
    private static Map<Instant, String> uvNotSumPv(Map<Instant, Long> uv, Map<Instant, Long> pv) {
        double sigma = UvPrecision.sigma(UvPrecision.lgK(RSD));
        Map<Instant, String> out = new TreeMap<>();
        pv.forEach((w, p) -> {
            long u = uv.getOrDefault(w, 0L);
            if (Math.abs(u - p) > Math.max(2, K_SIGMA * sigma * p)) {
                out.put(w, "%s uv %d vs Σpv %d (%+.1f %%)".formatted(w.toString().substring(11, 19), u, p,
                        100.0 * (u - p) / p));
            }
        });
        return out;
    }

    /** Windows whose committed Top-N rows are not the top TOP of their committed pv rows (pv desc, page_id). */
    private Set<Instant> topnNotOfPv(Path root) {
        String topnOfPv = ("select window_start, rank, page_id, pv from (select *, row_number() over (partition by"
                + " window_start order by pv desc, page_id) as rank from t) where rank <= %d").formatted(TOP);
        Map<Instant, List<String>> expected = byWindow(Committed.rows(spark, root.resolve("parquet/pv"), topnOfPv));
        Map<Instant, List<String>> actual = byWindow(topnRows(root.resolve("parquet/topn"),
                "select window_start, rank, page_id, pv from t"));
        Set<Instant> out = new TreeSet<>();
        expected.forEach((w, rows) -> {
            if (!rows.equals(actual.get(w))) {
                out.add(w);
            }
        });
        actual.keySet().stream().filter(w -> !expected.containsKey(w)).forEach(out::add);
        return out;
    }

    /**
     * The committed Top-N rows: through {@code _spark_metadata}, or, on the previous topology's data root (a
     * {@code foreachBatch} sink committing each batch by renaming its directory to {@code batch_id=<id>}), every
     * {@code batch_id=*} directory, as its readers glob them.
     */
    private List<Row> topnRows(Path topn, String sql) {
        if (Files.isDirectory(topn.resolve("_spark_metadata")) || !Files.isDirectory(topn)) {
            return Committed.rows(spark, topn, sql);
        }
        spark.read().option("basePath", topn.toUri().toString()).parquet(topn.resolve("batch_id=*").toString())
                .createOrReplaceTempView("t");
        return spark.sql(sql).collectAsList();
    }

    private static Map<Instant, List<String>> byWindow(List<Row> rows) {
        Map<Instant, List<String>> out = new TreeMap<>();
        rows.forEach(r -> out.computeIfAbsent(r.getTimestamp(0).toInstant(), w -> new ArrayList<>())
                .add(r.getInt(1) + " " + r.getString(2) + " " + r.getLong(3)));
        out.values().forEach(l -> l.sort(null));
        return out;
    }

    /**
     * Per window, the estimate of the union of per-page sketches (as the job builds uv) over exactly the events link 3
     * says the windows query counted.
     */
    private Map<Instant, Long> sketchOfCountedEvents(Path root, Set<Instant> windows) {
        Link3 link3 = Link3.read(root);
        String windowStart = "timestamp_seconds(floor(unix_seconds(event_time) / %d) * %d)"
                .formatted(WINDOW.toSeconds(), WINDOW.toSeconds());
        List<String> counted = new ArrayList<>();
        long dropped = 0;
        for (Row r : Committed.rows(spark, root.resolve("parquet/events"), "select event_id, " + windowStart + ", "
                + Link3.FILE + " from t")) {
            Instant w = r.getTimestamp(1).toInstant();
            if (!windows.contains(w)) {
                continue;
            }
            if (link3.counted(w.plus(WINDOW), r.getString(2))) {
                counted.add(r.getString(0));
            } else {
                dropped++;
            }
        }
        System.out.printf("SameEventsIT: link 3 names %d events counted, %d dropped as late%n", counted.size(),
                dropped);
        spark.createDataset(counted, Encoders.STRING()).toDF("event_id").createOrReplaceTempView("counted");
        Map<Instant, Long> out = new TreeMap<>();
        Committed.rows(spark, root.resolve("parquet/events"), ("select w, hll_sketch_estimate(hll_union_agg(s)) from"
                        + " (select %s as w, page_id, hll_sketch_agg(user_id, %d) as s from t join counted using"
                        + " (event_id) group by 1, 2) group by w").formatted(windowStart, UvPrecision.lgK(RSD)))
                .forEach(r -> out.put(r.getTimestamp(0).toInstant(), r.getLong(1)));
        return out;
    }

    private Map<Instant, Long> perWindow(Path root, String sink, String aggregate) {
        Map<Instant, Long> out = new TreeMap<>();
        Committed.rows(spark, root.resolve("parquet/" + sink), "select window_start, " + aggregate
                        + " from t group by 1")
                .forEach(r -> out.put(r.getTimestamp(0).toInstant(), r.getLong(1)));
        return out;
    }
}
