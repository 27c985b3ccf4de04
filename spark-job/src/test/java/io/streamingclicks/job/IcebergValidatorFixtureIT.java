package io.streamingclicks.job;

import io.streamingclicks.accounting.ledger.LedgerKey;
import io.streamingclicks.contract.Warehouse;
import io.streamingclicks.job.ValidatorFixtureIT.Input;
import io.streamingclicks.job.ValidatorFixtureIT.Sent;
import io.streamingclicks.job.support.Checkpoints;
import io.streamingclicks.job.support.Committed;
import io.streamingclicks.job.support.Events;
import io.streamingclicks.job.support.JobRun;
import io.streamingclicks.job.support.SharedKafka;
import io.streamingclicks.job.support.Tables;
import io.streamingclicks.job.support.ValidatorFixtures;
import io.streamingclicks.kafka.KafkaCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import static io.streamingclicks.job.ValidatorFixtureIT.RSD;
import static io.streamingclicks.job.ValidatorFixtureIT.SPAN;
import static io.streamingclicks.job.ValidatorFixtureIT.T;
import static io.streamingclicks.job.ValidatorFixtureIT.WATERMARK;
import static io.streamingclicks.job.ValidatorFixtureIT.WINDOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Writes the validator's Iceberg real-job fixture: {@link ValidatorFixtureIT}'s input (same events, late ones and bad
 * records, same window, watermark, rsd and batch cap) read by the job with {@code --format iceberg}, every data window
 * sealed by a clock event, the job stopped cleanly. The data root (chk, warehouse, progress), the producer ledger and
 * {@code fixture.properties} (settings and the job's own counts, read through the catalog) go to fixture
 * {@code real-job-iceberg}, which {@code validator-service}'s {@code IcebergRealJobFixtureTest} checks. The catalog
 * file holds the absolute paths of this run's temp directory: the validator must rebase them.
 */
@ExtendWith(SharedKafka.class)
class IcebergValidatorFixtureIT {

    private final KafkaCluster cluster;
    @TempDir
    Path tmp;

    IcebergValidatorFixtureIT(KafkaCluster cluster) {
        this.cluster = cluster;
    }

    @Test
    void writesAnIcebergFixtureOfTheSameInput() throws Exception {
        String topic = cluster.createRandomTopic();
        Path root = tmp.resolve("data");
        List<Sent> sent = new ArrayList<>();
        Map<Integer, Long> maxAcked = new TreeMap<>();
        Input input = ValidatorFixtureIT.input();
        Instant lastWindow = T.plus(SPAN).minus(WINDOW);
        JobRun run = JobRun.start(root, cluster.bootstrapServers(), topic, "--format", "iceberg",
                "--window", "1 minute", "--watermark", "1 minute", "--uv-rsd", RSD,
                "--max-offsets-per-trigger", "800", "--topn", "5");
        try (Events events = new Events(cluster.bootstrapServers(), topic)) {
            ValidatorFixtureIT.sendAndRecord(events, input.values(), input.sent(), sent, maxAcked);
            run.awaitCommitted("ingest", events.sent());
            Instant clock = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            ValidatorFixtureIT.sendAndRecord(events,
                    List.of(Events.json(Events.newId(), "clock", "/clock", clock, "view")),
                    List.of(new Sent(clock, "/clock", false)), sent, maxAcked);
            run.awaitCommitted("ingest", events.sent());
            // The clock event is in the ingest query's last snapshot: once the windows query sealed the last data
            // window with the watermark it brought, it has read every snapshot of events before it.
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    hasWindow(run, "pv", lastWindow) && hasWindow(run, "uv", lastWindow));
        } finally {
            run.close();
        }
        Checkpoints.assertEveryPlannedBatchCommitted(root, Committed.QUERIES);

        Path fixture = ValidatorFixtures.copy(root, "real-job-iceberg", List.of("chk", "warehouse", "progress"));
        foldWal(fixture.resolve(Warehouse.DIR).resolve(Warehouse.CATALOG_FILE));
        ValidatorFixtures.writeLedger(fixture, T, sent.stream()
                .map(e -> new LedgerKey(e.eventTime().getEpochSecond(), e.page(), e.late())).toList(), maxAcked);
        writeProperties(fixture, root, run, input.bad(), lastWindow);
        assertThat(fixture.resolve("parquet")).doesNotExist();
    }

    private static boolean hasWindow(JobRun run, String sink, Instant windowStart) {
        return !Tables.rows(run.spark, sink, "select * from t where window_start = '" + Timestamp.from(windowStart)
                + "'").isEmpty();
    }

    /**
     * The catalog runs in WAL mode, and this JVM's catalog may still hold the source's WAL: the copy's WAL is folded
     * into the copy's {@code catalog.db} (the last connection to close removes the -wal and -shm files), so the
     * fixture is one file.
     */
    private static void foldWal(Path catalog) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + catalog);
             Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        Files.deleteIfExists(Path.of(catalog + "-wal"));
        Files.deleteIfExists(Path.of(catalog + "-shm"));
    }

    private static void writeProperties(Path fixture, Path root, JobRun run, int bad, Instant lastWindow)
            throws IOException {
        Properties p = ValidatorFixtures.settings(WINDOW, WATERMARK, RSD);
        p.setProperty("OUTPUT_FORMAT", "iceberg");
        p.setProperty("first_window", T.toString());
        p.setProperty("last_window", lastWindow.toString());
        p.setProperty("bad_records", Integer.toString(bad));
        for (String sink : Committed.FILE_SINKS) {
            p.setProperty("rows." + sink, Long.toString(
                    Tables.rows(run.spark, sink, "select count(*) from t").get(0).getLong(0)));
        }
        p.setProperty("pv_total", Long.toString(
                Tables.rows(run.spark, "pv", "select sum(pv) from t").get(0).getLong(0)));
        long read = Checkpoints.committedRecords(root.resolve("chk/ingest"));
        p.setProperty("records_read", Long.toString(read));
        assertThat(Long.parseLong(p.getProperty("rows.events")) + Long.parseLong(p.getProperty("rows.quarantine")))
                .as("events + quarantine = every record the ingest query read").isEqualTo(read);
        assertThat(Long.parseLong(p.getProperty("rows.quarantine"))).isEqualTo(bad);
        ValidatorFixtures.store(fixture, p, "IcebergValidatorFixtureIT");
    }
}
