package io.streamingclicks.job;

import io.streamingclicks.accounting.ledger.LedgerKey;
import io.streamingclicks.job.samples.FeatureSpec;
import io.streamingclicks.job.samples.Finality;
import io.streamingclicks.job.samples.SampleOptions;
import io.streamingclicks.job.samples.SamplesCommand;
import io.streamingclicks.job.support.Checkpoints;
import io.streamingclicks.job.support.Committed;
import io.streamingclicks.job.support.Events;
import io.streamingclicks.job.support.JobProcess;
import io.streamingclicks.job.support.JobProcesses;
import io.streamingclicks.job.support.SharedKafka;
import io.streamingclicks.job.support.TestSpark;
import io.streamingclicks.job.support.ValidatorFixtures;
import io.streamingclicks.kafka.KafkaCluster;
import org.apache.kafka.clients.producer.RecordMetadata;
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
 * the ingest query in flight (an orphan, maybe truncated, Parquet file left in {@code parquet/events}), restarts and
 * seals every data window; then {@code make samples} derives the data hour (the derivation in this JVM). The data
 * root (chk, parquet with samples and features, progress), a producer ledger of exactly what was sent, and
 * {@code fixture.properties} (settings and the job's own committed counts) go to fixture {@code real-job}
 * ({@link ValidatorFixtures}: {@code target/validator-fixtures/real-job}, shipped in this module's test jar), which
 * {@code validator-service}'s {@code RealJobFixtureTest} checks.
 */
@ExtendWith(SharedKafka.class)
class ValidatorFixtureIT {

    static final Duration WINDOW = Duration.ofMinutes(1);
    static final Duration WATERMARK = Duration.ofMinutes(1);
    static final String RSD = "0.01";
    static final int EVENTS = 8_000;
    static final Duration SPAN = Duration.ofMinutes(12);
    /** Data windows start here; the clock event at "now" then seals all of them with room to spare. */
    static final Instant T = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(15));
    /**
     * This fixture's data windows start here instead: inside an hour that ended over an hour ago, so that the clock
     * event at "now" also seals that hour plus the label horizon and {@code make samples} can derive it.
     */
    static final Instant START = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));

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
        Input input = input(START);
        int bad = input.bad();
        try (Events events = new Events(cluster.bootstrapServers(), topic)) {
            sendAndRecord(events, input.values(), input.sent(), sent, maxAcked);

            List<Path> orphans = JobProcesses.killInsideAnEventsBatch(root, 8, () -> startJob(root));

            // Restart with the same cap (more batches, more compactions), then one clock event seals every window.
            JobProcess job = startJob(root);
            job.awaitCaughtUp(events.sent(), Duration.ofSeconds(240));
            Instant clock = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            sendAndRecord(events, List.of(Events.json(Events.newId(), "clock", "/clock", clock, "view")),
                    List.of(new Sent(clock, "/clock", false)), sent, maxAcked);
            job.awaitCaughtUp(events.sent(), Duration.ofSeconds(240));
            Instant lastWindow = START.plus(SPAN).minus(WINDOW);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    Committed.hasWindow(spark, root.resolve("parquet/pv"), lastWindow)
                            && Committed.hasWindow(spark, root.resolve("parquet/uv"), lastWindow));

            job.assertStopsCleanly();
            Checkpoints.assertEveryPlannedBatchCommitted(root, Committed.QUERIES);
            assertThat(orphans).allMatch(Files::exists);
        }

        // make samples over the data hour, as a user would once it is final: the validator's leakage checks must pass
        // on what the real job counted (its late drops neither samples nor feature sources).
        Instant to = START.plus(Duration.ofHours(1));
        Finality finality = Finality.read(root.resolve("chk/windows"));
        finality.require(START, to, FeatureSpec.DEFAULT_HORIZON);
        SamplesCommand.Report samples = SamplesCommand.run(spark, root, new SampleOptions(START, to,
                FeatureSpec.DEFAULT_HORIZON, root.toString(), "local[2]"), finality);
        assertThat(samples.samples()).isPositive();

        Path fixture = ValidatorFixtures.copy(root, "real-job", List.of("chk", "parquet", "progress"));
        ValidatorFixtures.writeLedger(fixture, START, sent.stream()
                .map(e -> new LedgerKey(e.eventTime().getEpochSecond(), e.page(), e.late())).toList(), maxAcked);
        writeProperties(fixture, root, bad, sent, samples.samples());

        // What the fixture is for: a compacted log, and a Parquet file on disk that no log names.
        try (Stream<Path> s = Files.walk(fixture.resolve("parquet"))) {
            assertThat(s.filter(p -> p.getParent().getFileName().toString().equals("_spark_metadata"))
                    .map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+\\.compact")).toList())
                    .as("a .compact file under some _spark_metadata").isNotEmpty();
        }
        assertThat(Committed.orphans(fixture.resolve("parquet/events")))
                .as("a Parquet file in the copied events sink not named by its log").isNotEmpty();
    }

    /** One producer event as the ledger counts it; null for a record that is not a producer event. */
    record Sent(Instant eventTime, String page, boolean late) {
    }

    /**
     * The input both fixtures read ({@code IcebergValidatorFixtureIT} too): on-time events over {@link #SPAN}, every
     * 40th 150 s late, a few records without a user id; {@code sent} holds null for those.
     */
    record Input(List<String> values, List<Sent> sent, int bad) {
    }

    static Input input() {
        return input(T);
    }

    static Input input(Instant start) {
        Random random = new Random(7);
        List<String> values = new ArrayList<>();
        List<Sent> pending = new ArrayList<>();
        int bad = 0;
        for (int i = 0; i < EVENTS; i++) {
            Instant t = start.plusMillis(i * SPAN.toMillis() / EVENTS);
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
        return new Input(values, pending, bad);
    }

    static void sendAndRecord(Events events, List<String> values, List<Sent> what, List<Sent> sent,
                              Map<Integer, Long> maxAcked) {
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

    /** The settings the job ran with and its own committed counts (read through _spark_metadata, never a glob). */
    private void writeProperties(Path fixture, Path root, int bad, List<Sent> sent, long samples)
            throws IOException {
        Properties p = ValidatorFixtures.settings(WINDOW, WATERMARK, RSD);
        p.setProperty("samples", Long.toString(samples));
        p.setProperty("first_window", START.toString());
        p.setProperty("last_window", START.plus(SPAN).minus(WINDOW).toString());
        p.setProperty("producer_events", Long.toString(sent.size()));
        p.setProperty("bad_records", Integer.toString(bad));
        for (String sink : Committed.FILE_SINKS) {
            p.setProperty("rows." + sink,
                    Long.toString(Committed.read(spark, root.resolve("parquet/" + sink)).count()));
        }
        p.setProperty("pv_total", Long.toString(Committed.rows(spark, root.resolve("parquet/pv"),
                "select sum(pv) from t").get(0).getLong(0)));
        // Every planned batch is committed (asserted after the SIGTERM), so the last committed one ends where it read.
        long read = Checkpoints.committedRecords(root.resolve("chk/ingest"));
        p.setProperty("records_read", Long.toString(read));
        assertThat(Long.parseLong(p.getProperty("rows.events")) + Long.parseLong(p.getProperty("rows.quarantine")))
                .as("events + quarantine = every record the events query read").isEqualTo(read);
        assertThat(Long.parseLong(p.getProperty("rows.quarantine"))).isEqualTo(bad);
        ValidatorFixtures.store(fixture, p, "ValidatorFixtureIT");
    }

    /** Many small batches (800 records each), so the log compacts several times. */
    private JobProcess startJob(Path root) {
        return jobs.start(root, JobProcesses.minuteWindows(root, "--bootstrap-servers", cluster.bootstrapServers(),
                "--topic", topic, "--uv-rsd", RSD, "--max-offsets-per-trigger", "800", "--topn", "5"));
    }
}
