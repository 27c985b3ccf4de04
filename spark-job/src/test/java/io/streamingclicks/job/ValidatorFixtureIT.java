package io.streamingclicks.job;

import io.streamingclicks.contract.LedgerFormat;
import io.streamingclicks.accounting.spark.BatchOffsets;
import io.streamingclicks.accounting.spark.CheckpointLog;
import io.streamingclicks.job.support.Trees;
import io.streamingclicks.job.support.Checkpoints;
import io.streamingclicks.job.support.Committed;
import io.streamingclicks.job.support.Events;
import io.streamingclicks.job.support.JobProcess;
import io.streamingclicks.job.support.JobProcesses;
import io.streamingclicks.job.support.SharedKafka;
import io.streamingclicks.job.support.TestSpark;
import io.streamingclicks.kafka.KafkaCluster;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Writes the validator's real-job fixture: the shaded jar (its own process) reads on-time and late events and a few
 * bad records in many small batches with the file sink log compacting every 3 batches, is SIGKILLed with a batch of
 * the events query in flight (an orphan, maybe truncated, Parquet file left in {@code parquet/events}), restarts and
 * seals every data window. The data root (chk, parquet, progress), a producer ledger of exactly what was sent, and
 * {@code fixture.properties} (settings and the job's own committed counts) go to {@code target/validator-fixture},
 * which {@code validator-service}'s {@code RealJobFixtureTest} checks.
 */
@ExtendWith(SharedKafka.class)
class ValidatorFixtureIT {

    static final Duration WINDOW = Duration.ofMinutes(1);
    static final Duration WATERMARK = Duration.ofMinutes(1);
    static final String RSD = "0.01";
    private static final int EVENTS = 8_000;
    private static final Duration SPAN = Duration.ofMinutes(12);
    /** Data windows start here; the clock event at "now" then seals all of them with room to spare. */
    private static final Instant T = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(15));
    private static final String[] SINKS = {"uv", "pv", "events", "quarantine"};

    private final KafkaCluster cluster;
    private final SparkSession spark = TestSpark.get();
    @RegisterExtension
    final JobProcesses jobs = new JobProcesses("-Dspark.sql.streaming.fileSink.log.compactInterval=3");
    @TempDir
    Path tmp;
    private String topic;

    ValidatorFixtureIT(KafkaCluster cluster) {
        this.cluster = cluster;
    }

    @Test
    void writesAFixtureWithACompactLogAndAnOrphanFromAKilledBatch() throws Exception {
        topic = cluster.createRandomTopic();
        Path root = tmp.resolve("data");
        List<Sent> sent = new ArrayList<>();
        int bad = 0;
        try (Events events = new Events(cluster.bootstrapServers(), topic)) {
            Random random = new Random(7);
            List<String> values = new ArrayList<>();
            List<Sent> pending = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                Instant t = T.plusMillis(i * SPAN.toMillis() / EVENTS);
                boolean late = i % 40 == 39;
                if (late) {
                    // 150 s behind: included while its window is open, dropped once the watermark passed it.
                    t = t.minusSeconds(150);
                }
                String page = "/p" + Math.min(random.nextInt(25), random.nextInt(25));
                values.add(Events.json(Events.newId(), "u" + random.nextInt(4000), page, t, "view"));
                pending.add(new Sent(t, page, late));
                if (i % 2_000 == 1_000) {
                    values.add("{\"event_id\":\"" + Events.newId() + "\",\"page_id\":\"/p1\"}");
                    pending.add(null);
                    bad++;
                }
            }
            sendAndRecord(events, values, pending, sent);

            boolean landed = JobProcesses.killUntilLandedIn("inside an events batch", 8,
                    () -> startJob(root), () -> Checkpoints.batchInFlightWithOrphan(root.resolve("chk/events"),
                            root.resolve("parquet/events")));
            List<Path> orphans = landed ? Committed.orphans(root.resolve("parquet/events")) : List.of();
            assertThat(orphans).as("a SIGKILL that left offsets/N without commits/N and an orphan file").isNotEmpty();

            // Restart with the same cap (more batches, more compactions), then one clock event seals every window.
            JobProcess job = startJob(root);
            awaitAllRead(job, events.sent());
            Instant clock = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            sendAndRecord(events, List.of(Events.json(Events.newId(), "clock", "/clock", clock, "view")),
                    List.of(new Sent(clock, "/clock", false)), sent);
            awaitAllRead(job, events.sent());
            Instant lastWindow = T.plus(SPAN).minus(WINDOW);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    !Committed.rows(spark, root.resolve("parquet/pv"), "select * from t where window_start = '"
                            + Timestamp.from(lastWindow) + "'").isEmpty()
                    && !Committed.rows(spark, root.resolve("parquet/uv"), "select * from t where window_start = '"
                            + Timestamp.from(lastWindow) + "'").isEmpty());

            assertThat(job.stop()).as("exit status after SIGTERM; log ends:%n%s", job.logTail()).isZero();
            for (String sink : SINKS) {
                CheckpointLog log = CheckpointLog.read(root.resolve("chk/" + sink));
                assertThat(log.batches()).as("chk/%s commits", sink).allMatch(BatchOffsets::committed);
            }
            assertThat(orphans).allMatch(Files::exists);
        }

        Path fixture = Path.of(System.getProperty("streamingclicks.job.validator-fixture",
                "target/validator-fixture")).toAbsolutePath();
        Trees.delete(fixture);
        for (String dir : List.of("chk", "parquet", "progress")) {
            Trees.copy(root.resolve(dir), fixture.resolve(dir));
        }
        writeLedger(fixture.resolve("ledger"), sent);
        writeProperties(fixture, root, bad, sent);

        // What the fixture is for: a compacted log, and a Parquet file on disk that no log names.
        try (Stream<Path> s = Files.walk(fixture.resolve("parquet"))) {
            assertThat(s.filter(p -> p.getParent().getFileName().toString().equals("_spark_metadata"))
                    .map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+\\.compact")).toList())
                    .as("a .compact file under some _spark_metadata").isNotEmpty();
        }
        assertThat(Committed.orphans(fixture.resolve("parquet/events")))
                .as("a Parquet file in the copied events sink not named by its log").isNotEmpty();
        System.out.printf("validator fixture written to %s%n", fixture);
    }

    /** One producer event as the ledger counts it; null for a record that is not a producer event. */
    record Sent(Instant eventTime, String page, boolean late) {
    }

    private void sendAndRecord(Events events, List<String> values, List<Sent> what, List<Sent> sent) {
        List<RecordMetadata> acks = events.sendRaw(values);
        for (int i = 0; i < acks.size(); i++) {
            if (what.get(i) != null) {
                sent.add(what.get(i));
                maxAcked.merge(acks.get(i).partition(), acks.get(i).offset(), Math::max);
            }
        }
    }

    /** Per partition, the highest offset acknowledged for a producer event. */
    private final Map<Integer, Long> maxAcked = new TreeMap<>();

    /** The ledger a producer would have written for exactly these acknowledged sends (LedgerFormat). */
    private void writeLedger(Path dir, List<Sent> sent) throws IOException {
        Files.createDirectories(dir);
        Map<String, Long> counts = new TreeMap<>();
        for (Sent s : sent) {
            String second = s.eventTime().truncatedTo(ChronoUnit.SECONDS).toString();
            counts.merge(second + "\u0000" + s.page() + "\u0000" + (s.late() ? LedgerFormat.LATE
                    : LedgerFormat.ON_TIME), 1L, Long::sum);
        }
        List<String> lines = new ArrayList<>();
        counts.forEach((k, n) -> {
            String[] f = k.split("\u0000");
            lines.add("{\"" + LedgerFormat.TYPE + "\":\"" + LedgerFormat.TYPE_COUNT + "\",\"" + LedgerFormat.SECOND
                    + "\":\"" + f[0] + "\",\"" + LedgerFormat.PAGE_ID + "\":\"" + f[1] + "\",\""
                    + LedgerFormat.LATENESS + "\":\"" + f[2] + "\",\"" + LedgerFormat.ACKED + "\":" + n + ",\""
                    + LedgerFormat.IN_DOUBT + "\":0,\"" + LedgerFormat.FAILED + "\":0}");
        });
        String at = Instant.now().toString();
        maxAcked.forEach((p, o) -> lines.add("{\"" + LedgerFormat.TYPE + "\":\"" + LedgerFormat.TYPE_OFFSET + "\",\""
                + LedgerFormat.AT + "\":\"" + at + "\",\"" + LedgerFormat.PARTITION + "\":" + p + ",\""
                + LedgerFormat.MAX_ACKED_OFFSET + "\":" + o + "}"));
        Files.write(dir.resolve(LedgerFormat.FILE_PREFIX + T.toEpochMilli() + LedgerFormat.FILE_SUFFIX), lines,
                StandardCharsets.UTF_8);
    }

    /** The settings the job ran with and its own committed counts (read through _spark_metadata, never a glob). */
    private void writeProperties(Path fixture, Path root, int bad, List<Sent> sent) throws IOException {
        Properties p = new Properties();
        p.setProperty("WINDOW_DURATION", WINDOW.toString());
        p.setProperty("WATERMARK_DELAY", WATERMARK.toString());
        p.setProperty("UV_RSD", RSD);
        p.setProperty("written_at", Instant.now().toString());
        p.setProperty("first_window", T.toString());
        p.setProperty("last_window", T.plus(SPAN).minus(WINDOW).toString());
        p.setProperty("producer_events", Long.toString(sent.size()));
        p.setProperty("bad_records", Integer.toString(bad));
        for (String sink : SINKS) {
            p.setProperty("rows." + sink, Long.toString(Committed.read(spark, root.resolve("parquet/" + sink)).count()));
        }
        p.setProperty("pv_total", Long.toString(Committed.rows(spark, root.resolve("parquet/pv"),
                "select sum(pv) from t").get(0).getLong(0)));
        CheckpointLog events = CheckpointLog.read(root.resolve("chk/events"));
        long read = events.last().orElseThrow().endOffsetSum();
        p.setProperty("records_read", Long.toString(read));
        assertThat(Long.parseLong(p.getProperty("rows.events")) + Long.parseLong(p.getProperty("rows.quarantine")))
                .as("events + quarantine = every record the events query read").isEqualTo(read);
        assertThat(Long.parseLong(p.getProperty("rows.quarantine"))).isEqualTo(bad);
        try (OutputStream out = Files.newOutputStream(fixture.resolve("fixture.properties"))) {
            p.store(out, "written by spark-job ValidatorFixtureIT");
        }
    }

    private static void awaitAllRead(JobProcess job, long total) {
        for (String sink : SINKS) {
            job.awaitCommitted(sink, total, Duration.ofSeconds(240));
        }
    }

    /** Many small batches (800 records each), so the log compacts several times. */
    private JobProcess startJob(Path root) {
        return jobs.start(root, "--bootstrap-servers", cluster.bootstrapServers(), "--topic", topic,
                "--data-dir", root.toString(), "--window", "1 minute", "--watermark", "1 minute",
                "--uv-rsd", RSD, "--trigger", "200 ms", "--max-offsets-per-trigger", "800");
    }


}
