package io.streamingclicks.job;

import io.streamingclicks.accounting.links.Link2;
import io.streamingclicks.accounting.spark.CheckpointLog;
import io.streamingclicks.job.sink.BatchSink;
import io.streamingclicks.job.sink.SqliteJdbcCatalog;
import io.streamingclicks.job.support.Checkpoints;
import io.streamingclicks.job.support.Committed;
import io.streamingclicks.job.support.Events;
import io.streamingclicks.job.support.IcebergRoot;
import io.streamingclicks.job.support.JobProcess;
import io.streamingclicks.job.support.JobProcesses;
import io.streamingclicks.job.support.SharedKafka;
import io.streamingclicks.job.support.TableLink3;
import io.streamingclicks.kafka.KafkaCluster;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.streamingclicks.job.support.EventTimes.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The jar with {@code --format iceberg} killed where a batch is between a table's commit and the checkpoint's, inside
 * a table's commit, and at random moments of a live run; one data root and topic through every kill, so each restart
 * is the next kill's run (ten JVM starts in all). A restart redoes the interrupted batch: a table whose snapshots
 * record (query id, batch id) skips it, the others write it once, and a commit that never reached the catalog's
 * compare-and-set leaves files no snapshot names. After each restart, once both queries are idle: no duplicate key in
 * any table, each (query, batch) in at most one snapshot per table, link 2 exact over events and quarantine, pv exact
 * per (window, page) for every sealed window against the events sent (none late, so every one is counted), link 3
 * exact on the tables.
 */
@ExtendWith(SharedKafka.class)
class IcebergCrashIT {

    /** The order in which a windows batch writes its tables (WindowsBatch). */
    private static final List<String> WINDOWS_ORDER = List.of("pv", "uv", "topn");
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Duration WATERMARK = Duration.ofMinutes(1);
    /** Event time per send: less than the watermark, so no part of a send read by a later batch is ever late. */
    private static final Duration SLICE = Duration.ofSeconds(10);
    private static final Duration HALT_TIMEOUT = Duration.ofSeconds(120);

    private final KafkaCluster cluster;
    @RegisterExtension
    final JobProcesses jobs = new JobProcesses();
    @TempDir
    Path tmp;

    private String topic;
    private Path root;
    private Events events;
    private IcebergRoot tables;
    /** (window start, page) -> events sent. */
    private final Map<String, Long> expectedPv = new TreeMap<>();
    private Instant lastEventTime = T;
    private int sentEvents;

    IcebergCrashIT(KafkaCluster cluster) {
        this.cluster = cluster;
    }

    @Test
    void eachBatchIsInTheTablesOnceAfterKillsBetweenAndInsideCommits() throws Exception {
        topic = cluster.createRandomTopic();
        root = tmp.resolve("data");
        try (Events e = new Events(cluster.bootstrapServers(), topic)) {
            events = e;
            send(0, 150); // seals the window [0, 1 min) once read

            // 1. Halted after a table committed batch N, before the checkpoint's commits/N. The halts go from the
            // last table a windows batch writes to the first, so each restart's redo writes no row to the table the
            // next halt is aimed at, and the job gets idle before it. A send that seals a window ends with the one
            // event that seals it: when the windows query sees it, the ingest query has committed all sent before.
            Halted topn = haltedAfter(start(BatchSink.HALT_AFTER_COMMIT, "topn"), "windows", "topn");
            JobProcess job = start(BatchSink.HALT_AFTER_COMMIT, "uv");
            assertRedone(job, topn);
            sendThenSeal(150, 180);
            Halted uv = haltedAfter(job, "windows", "uv");
            job = start(BatchSink.HALT_AFTER_COMMIT, "pv");
            assertRedone(job, uv);
            sendThenSeal(180, 240);
            Halted pv = haltedAfter(job, "windows", "pv");
            job = start(BatchSink.HALT_AFTER_COMMIT, "events");
            assertRedone(job, pv);
            send(240, 260); // seals no window: the redo of this batch at the next start writes no pv
            Halted ingest = haltedAfter(job, "ingest", "events");

            // 2. Halted inside a table's commit: its files written, the catalog row not moved.
            job = start(SqliteJdbcCatalog.HALT_IN_COMMIT, "pv");
            assertRedone(job, ingest);
            String pvMetadata = tables.currentMetadata("pv");
            sendThenSeal(260, 300);
            Halted inPv = haltedInside(job, "windows", "pv", pvMetadata);
            job = start(SqliteJdbcCatalog.HALT_IN_COMMIT, "events");
            assertRedone(job, inPv);
            String eventsMetadata = tables.currentMetadata("events");
            send(300, 320);
            Halted inEvents = haltedInside(job, "ingest", "events", eventsMetadata);

            // 3. SIGKILL at random moments of a live run; the first run is the restart of the halt in events.
            killAtRandomMoments(3, inEvents);

            // The last restart: every window sealed, SIGTERM, every planned batch committed.
            job = start(null, null);
            long clock = lastEventTime.plus(Duration.ofMinutes(10)).getEpochSecond() - T.getEpochSecond();
            events.send("clock", "/clock", T.plusSeconds(clock));
            lastEventTime = T.plusSeconds(clock);
            awaitIdle(job);
            assertOnce(job);
            assertThat(pvSum()).as("Σpv over every window before the clock's: every event sent").isEqualTo(sentEvents);
            assertThat(tables.snapshotsOf("events", inEvents.queryId, inEvents.batch))
                    .as("snapshots of events holding the batch halted inside its commit").hasSize(1);
            assertHaltedCommitStillUnnamed(inEvents);
            job.assertStopsCleanly();
            Checkpoints.assertEveryPlannedBatchCommitted(root, Committed.QUERIES);
        }
    }

    /** A batch the job was halted in: its query, id, and the snapshot of each table that holds it then. */
    private record Halted(String query, long batch, String queryId, Map<String, Long> holding,
                          Set<String> unknownMetadata, Set<String> unreferencedData) {
    }

    /**
     * The job halted right after {@code sink} committed a batch: that batch of {@code query} is planned, not committed
     * by Spark, held by {@code sink} and the tables written before it, not by those after.
     */
    private Halted haltedAfter(JobProcess job, String query, String sink) throws IOException {
        assertThat(job.awaitExit(HALT_TIMEOUT)).as("exit status of the job halted after committing %s; log ends:%n%s",
                sink, job.logTail()).isEqualTo(BatchSink.HALT_STATUS);
        if (tables == null) {
            tables = IcebergRoot.open(root); // once the job created them: a second creator would race it
        }
        Halted h = halted(query, Set.of(), Set.of());
        List<String> order = query.equals("windows") ? WINDOWS_ORDER : List.of("events", "quarantine");
        List<String> before = order.subList(0, order.indexOf(sink) + 1);
        assertThat(h.holding.keySet()).as("tables holding %s batch %d when halted after %s", query, h.batch, sink)
                .containsAll(before);
        if (query.equals("windows")) {
            assertThat(h.holding.keySet()).as("windows tables holding batch %d", h.batch)
                    .containsExactlyInAnyOrderElementsOf(before);
        }
        System.out.printf("halted after %s committed %s batch %d at %s%n", sink, query, h.batch, Instant.now());
        return h;
    }

    /**
     * The job halted inside {@code sink}'s commit: the table's current metadata is still {@code metadataBefore}, no
     * snapshot holds the batch, and a {@code metadata.json} and data files of the commit are on disk, named by none.
     */
    private Halted haltedInside(JobProcess job, String query, String sink, String metadataBefore) throws IOException {
        assertThat(job.awaitExit(HALT_TIMEOUT)).as("exit status of the job halted inside %s's commit; log ends:%n%s",
                sink, job.logTail()).isEqualTo(SqliteJdbcCatalog.HALT_STATUS);
        assertThat(tables.currentMetadata(sink)).as("%s's catalog row after the halt inside its commit", sink)
                .isEqualTo(metadataBefore);
        Halted h = halted(query, tables.unknownMetadataFiles(sink), tables.unreferencedDataFiles(sink));
        assertThat(h.holding).as("tables holding %s batch %d", query, h.batch).doesNotContainKey(sink);
        assertThat(h.unknownMetadata).as("%s's metadata.json written by the halted commit", sink).isNotEmpty();
        assertThat(h.unreferencedData).as("%s's data files written by the halted commit", sink).isNotEmpty();
        System.out.printf("halted inside %s's commit of %s batch %d at %s: %s, %d data files%n", sink, query,
                h.batch, Instant.now(), h.unknownMetadata, h.unreferencedData.size());
        return h;
    }

    private Halted halted(String query, Set<String> unknownMetadata, Set<String> unreferencedData)
            throws IOException {
        Path chk = root.resolve("chk").resolve(query);
        long batch = Checkpoints.lastBatch(chk);
        assertThat(chk.resolve("commits/" + batch)).as("%s batch %d not committed by Spark", query, batch)
                .doesNotExist();
        String queryId = queryId(chk);
        Map<String, Long> holding = new TreeMap<>();
        for (String sink : sinks(query)) {
            List<Long> s = tables.snapshotsOf(sink, queryId, batch);
            assertThat(s).as("snapshots of %s holding %s batch %d", sink, query, batch).hasSizeLessThanOrEqualTo(1);
            s.forEach(id -> holding.put(sink, id));
        }
        return new Halted(query, batch, queryId, holding, unknownMetadata, unreferencedData);
    }

    /**
     * The restarted job redid the halted batch and is idle: the tables that held it still hold it in the same
     * snapshot, every table of the query holds it at most once, the files of a halted commit are still named by none;
     * then every invariant ({@link #assertOnce}).
     */
    private void assertRedone(JobProcess job, Halted h) throws IOException {
        awaitIdle(job);
        Path chk = root.resolve("chk").resolve(h.query);
        assertThat(chk.resolve("commits/" + h.batch)).as("%s batch %d redone and committed", h.query, h.batch)
                .exists();
        for (String sink : sinks(h.query)) {
            List<Long> now = tables.snapshotsOf(sink, h.queryId, h.batch);
            if (h.holding.containsKey(sink)) {
                assertThat(now).as("%s, which held %s batch %d before the restart: skipped, the same snapshot", sink,
                        h.query, h.batch).containsExactly(h.holding.get(sink));
            } else if (!sink.equals("quarantine")) {
                assertThat(now).as("snapshots of %s holding %s batch %d, written at the restart", sink, h.query,
                        h.batch).hasSize(1);
            }
        }
        assertHaltedCommitStillUnnamed(h);
        assertOnce(job);
    }

    /** The files a commit halted inside the catalog wrote are still named by no metadata log and no snapshot. */
    private void assertHaltedCommitStillUnnamed(Halted h) {
        if (h.unknownMetadata.isEmpty()) {
            return; // halted after a commit, not inside one
        }
        String sink = h.query.equals("windows") ? "pv" : "events";
        assertThat(tables.unknownMetadataFiles(sink)).as("metadata.json files %s names nowhere", sink)
                .containsAll(h.unknownMetadata);
        assertThat(tables.referencedDataFiles(sink)).as("data files of %s's snapshots", sink)
                .doesNotContainAnyElementsOf(h.unreferencedData);
    }

    /**
     * With both queries idle: no duplicate key, each (query, batch) in at most one snapshot of a table, link 2 exact,
     * pv exact for every sealed window, one uv row per sealed window.
     */
    private void assertOnce(JobProcess job) {
        assertThat(tables.rows("events", "select kafka_partition, kafka_offset from t group by 1, 2"
                + " having count(*) > 1")).as("events twice").isEmpty();
        assertThat(tables.rows("pv", "select window_start, page_id from t group by 1, 2 having count(*) > 1"))
                .as("(window, page) twice in pv").isEmpty();
        assertThat(tables.rows("uv", "select window_start from t group by 1 having count(*) > 1"))
                .as("windows twice in uv").isEmpty();
        assertThat(tables.rows("topn", "select window_start, rank from t group by 1, 2 having count(*) > 1"))
                .as("(window, rank) twice in topn").isEmpty();
        for (String sink : List.of("events", "quarantine", "pv", "uv", "topn")) {
            assertThat(tables.batches(sink)).as("(query id/batch id) of %s's snapshots", sink)
                    .doesNotHaveDuplicates();
        }

        // Link 2: each Kafka offset of every committed ingest batch is one row of events or quarantine.
        List<Link2.Read> reads = new ArrayList<>();
        for (String sink : List.of("events", "quarantine")) {
            tables.rows(sink, "select kafka_partition, kafka_offset from t")
                    .forEach(r -> reads.add(new Link2.Read(r.getInt(0), r.getLong(1))));
        }
        CheckpointLog ingest = CheckpointLog.read(root.resolve("chk/ingest"));
        Map<Integer, Long> end = ingest.lastCommitted().orElseThrow().endOffsets();
        Map<Integer, Long> start = new TreeMap<>();
        end.keySet().forEach(p -> start.put(p, 0L));
        Link2 link2 = Link2.check(reads, start, end);
        assertThat(link2.holds()).as("link 2: %s", link2).isTrue();
        assertThat(reads).as("rows of events and quarantine").hasSize((int) events.sent());

        // pv exact for every sealed window; uv has the same windows.
        long watermark = Checkpoints.committedWatermarkMs(root.resolve("chk/windows"));
        Map<String, Long> expected = new TreeMap<>();
        expectedPv.forEach((k, v) -> {
            if (Instant.parse(k.substring(0, k.indexOf('|'))).plus(WINDOW).toEpochMilli()
                    <= watermark) {
                expected.put(k, v);
            }
        });
        Map<String, Long> actual = new TreeMap<>();
        tables.rows("pv", "select window_start, page_id, pv from t")
                .forEach(r -> actual.put(r.getTimestamp(0).toInstant() + "|" + r.getString(1), r.getLong(2)));
        assertThat(actual).as("pv per (window, page) of the windows sealed by watermark %s",
                Instant.ofEpochMilli(watermark)).isEqualTo(expected);
        assertThat(tables.rows("uv", "select distinct window_start from t")).as("windows in uv")
                .hasSameSizeAs(tables.rows("pv", "select distinct window_start from t"));

        // Link 3: Σpv of each sealed window is the events the windows query counted (here all of them: none late).
        Map<Instant, Long> counted = TableLink3.assertPvIsTheCountedEvents(tables, WINDOW);
        System.out.printf("idle and once at %s: %d events and quarantined, %d pv rows, windows sealed to %s,"
                + " link 3 over %d windows%n", Instant.now(), reads.size(), actual.size(),
                Instant.ofEpochMilli(watermark), counted.size());
    }

    private long pvSum() {
        List<Row> r = tables.rows("pv", "select coalesce(sum(pv), 0) from t where page_id <> '/clock'");
        return r.get(0).getLong(0);
    }

    /**
     * Starts the job with live traffic (a slice of event time every 150 ms) and SIGKILLs it a random 0-4 s after its
     * ingest query planned its first batch, {@code kills} times; each start is the restart of the one before, the
     * first the restart of {@code before}.
     */
    private void killAtRandomMoments(int kills, Halted before) {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        System.out.printf("random kills, seed %d%n", seed);
        for (int k = 1; k <= kills; k++) {
            long planned = Checkpoints.lastBatch(root.resolve("chk/ingest"));
            long delay = random.nextInt(4000);
            Instant[] killAt = {null};
            Instant[] nextSlice = {Instant.MIN};
            JobProcess job = start(null, null);
            boolean killed = job.killWhen(() -> {
                if (Instant.now().isAfter(nextSlice[0])) {
                    long from = lastEventTime.getEpochSecond() - T.getEpochSecond() + 1;
                    send(from, from + SLICE.toSeconds());
                    nextSlice[0] = Instant.now().plusMillis(150);
                }
                if (killAt[0] == null && Checkpoints.lastBatch(root.resolve("chk/ingest")) > planned) {
                    killAt[0] = Instant.now().plusMillis(delay);
                }
                return killAt[0] != null && !Instant.now().isBefore(killAt[0]);
            }, Duration.ofSeconds(120));
            assertThat(killed).as("killed %d ms after the restarted job's first ingest batch", delay).isTrue();
            System.out.printf("kill %d at %s, %d ms after the first batch: ingest %s, windows %s%n", k,
                    Instant.now(), delay, state("ingest"), state("windows"));
            if (k == 1) {
                // The restart planned a batch after the one halted inside its commit: that one is committed.
                assertThat(root.resolve("chk/ingest/commits/" + before.batch)).as("ingest batch %d redone",
                        before.batch).exists();
            }
        }
    }

    private String state(String query) {
        CheckpointLog log = CheckpointLog.read(root.resolve("chk").resolve(query));
        return log.last().map(b -> "batch " + b.batchId() + (b.committed() ? " committed" : " in flight"))
                .orElse("none");
    }

    /** Both queries idle: every event sent committed by the ingest query, the windows query's watermark at its end. */
    private void awaitIdle(JobProcess job) {
        long records = events.sent();
        Instant watermark = lastEventTime.minus(WATERMARK);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            job.assertAlive();
            CheckpointLog ingest = CheckpointLog.read(root.resolve("chk/ingest"));
            CheckpointLog windows = CheckpointLog.read(root.resolve("chk/windows"));
            return ingest.allCommitted() && Checkpoints.committedRecords(root.resolve("chk/ingest")) >= records
                    && windows.allCommitted() && windows.committedWatermark() != null
                    && windows.committedWatermark() >= watermark.toEpochMilli();
        });
    }

    /**
     * Sends events from {@code fromSecond} to {@code toSecond} after T, a slice of {@link #SLICE} at a time, each acked
     * before the next, and one unparsable record; pages and users vary so that pv differs per page.
     */
    private void send(long fromSecond, long toSecond) {
        List<String> bad = List.of("not json " + fromSecond);
        events.sendRaw(bad);
        for (long s = fromSecond; s < toSecond; s += SLICE.toSeconds()) {
            List<String> slice = new ArrayList<>();
            for (long ms = s * 1000; ms < Math.min(s + SLICE.toSeconds(), toSecond) * 1000; ms += 400) {
                int i = (int) (ms / 400);
                String page = "/p" + (i % 4 + i % 3);
                Instant t = T.plusMillis(ms);
                slice.add(Events.json(Events.newId(), "u" + i % 37, page, t, "view"));
                expectedPv.merge(t.truncatedTo(ChronoUnit.MINUTES) + "|" + page, 1L, Long::sum);
                lastEventTime = t;
            }
            events.sendRaw(slice);
            sentEvents += slice.size();
        }
    }

    /** {@link #send}, then the one event at {@code sealSecond} that moves the watermark past a window's end. */
    private void sendThenSeal(long fromSecond, long sealSecond) {
        send(fromSecond, sealSecond);
        Instant t = T.plusSeconds(sealSecond);
        events.send("sealer", "/p0", t);
        expectedPv.merge(t.truncatedTo(ChronoUnit.MINUTES) + "|/p0", 1L, Long::sum);
        lastEventTime = t;
        sentEvents++;
    }

    private JobProcess start(String haltProperty, String sink) {
        List<String> jvm = haltProperty == null ? List.of() : List.of("-D" + haltProperty + "=" + sink);
        JobProcess job = jobs.start(jvm, root, JobProcesses.minuteWindows(root, "--format", "iceberg",
                "--bootstrap-servers", cluster.bootstrapServers(), "--topic", topic, "--topn", "3"));
        return job;
    }

    private static List<String> sinks(String query) {
        return query.equals("windows") ? WINDOWS_ORDER : List.of("events", "quarantine");
    }

    private static String queryId(Path checkpoint) throws IOException {
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(Files.readString(checkpoint.resolve(
                "metadata")));
        assertThat(m.find()).as("query id in %s/metadata", checkpoint).isTrue();
        return m.group(1);
    }
}
