package io.streamingclicks.validator.dq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.validator.db.SqlFile;
import io.streamingclicks.validator.db.Workspace;
import io.streamingclicks.validator.fixture.StackFixture;
import io.streamingclicks.validator.fixture.TestWarehouse;
import io.streamingclicks.validator.pipeline.SnapshotReader;
import io.streamingclicks.validator.uv.UvBucket;
import io.streamingclicks.validator.uv.UvBuckets;

/**
 * Same SQL on either format: the stack fixture's committed Parquet output, appended file for file into the sinks'
 * Iceberg tables (built with iceberg-core), gives every check the result it gives on the Parquet layout, and the hour
 * unions of UV, read by partition, are the same. A damaged table is a failed check naming the table and the file,
 * and the other checks still run.
 */
class IcebergChecksTest {

    static final Map<String, String> ICEBERG = Map.of("OUTPUT_FORMAT", "iceberg");

    @TempDir
    Path tmp;

    /**
     * The fixture's root with its Iceberg copy, the Parquet directory moved away so only the tables are read; the
     * checkpoints those of a windows query streaming the events table, each offset {@code shift} ingest batches off.
     */
    Map<Sink, List<Path>> icebergOnly(StackFixture f, int shift) throws Exception {
        Map<Sink, List<Path>> copies;
        try (TestWarehouse w = new TestWarehouse(f.root());
             Connection duckdb = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties())) {
            copies = w.copyOf(f.root(), duckdb, shift);
        }
        Files.move(f.root().resolve(DataRoot.PARQUET), f.root().resolve("parquet-moved-away"));
        return copies;
    }

    Map<Sink, List<Path>> icebergOnly(StackFixture f) throws Exception {
        return icebergOnly(f, 0);
    }

    /** Link 3's checks: they read pv_accounted, which on Iceberg keys each event by the ingest batch that wrote it. */
    static final List<String> LINK_THREE = List.of("completeness", "hll_vs_exact", HourlyHllCheck.NAME,
            "reconciliation_events_pv");

    @Test
    void everyCheckAndEveryHourOfUvIsTheSameOnTheIcebergCopyOfTheParquetOutput() throws Exception {
        StackFixture f = new StackFixture(tmp.resolve("data")).write();
        Map<String, CheckResult> parquet;
        List<UvBucket> parquetHours;
        try (Harness h = new Harness(f.root(), Map.of())) {
            parquet = Harness.byName(h.runAll());
            parquetHours = hours(h);
        }
        Map<Sink, List<Path>> copies = icebergOnly(f);
        assertThat(copies.get(Sink.PV)).isNotEmpty();

        Map<String, CheckResult> iceberg;
        List<UvBucket> icebergHours;
        try (Harness h = new Harness(f.root(), ICEBERG)) {
            iceberg = Harness.byName(h.runAll());
            icebergHours = hours(h);
            try (Workspace ws = open(h)) {
                // Every uv file maps to its hour: the unions were read partition by partition.
                assertThat(ws.files().unpartitioned(Sink.UV)).isEmpty();
                assertThat(ws.snapshot().files().get(Sink.PV).origin()).startsWith("Iceberg table clicks.pv snapshot");
            }
        }

        assertThat(iceberg.keySet()).isEqualTo(parquet.keySet());
        for (String check : parquet.keySet()) {
            CheckResult p = parquet.get(check);
            CheckResult i = iceberg.get(check);
            assertThat(i.status()).as(i.toString()).isEqualTo(p.status());
            if (!check.equals("freshness")) { // measured against the wall clock, a few ms apart
                assertThat(i.value()).as(check).isEqualTo(p.value());
            }
            if (!check.equals("freshness") && !check.equals(CommittedFilesPresent.NAME)) {
                assertThat(i.detail()).as(check).isEqualTo(p.detail());
            }
        }
        assertThat(iceberg.get(CommittedFilesPresent.NAME).detail())
                .isEqualTo("0 files named by the tables' manifests are missing on disk");
        // As the job leaves an Iceberg root: offsets name snapshots, no file-source log, a compaction's REPLACE.
        Path windows = f.root().resolve("chk/windows");
        assertThat(Files.readAllLines(windows.resolve("offsets/3")).get(2)).contains("\"snapshot_id\":");
        assertThat(io.streamingclicks.accounting.spark.FileSourceLog.readLog(windows)).isEmpty();
        try (TestWarehouse w = new TestWarehouse(f.root())) {
            assertThat(w.table(Sink.EVENTS).snapshots()).extracting(org.apache.iceberg.Snapshot::operation)
                    .contains("append", "replace");
        }
        for (String check : LINK_THREE) {
            assertThat(iceberg.get(check).status()).as(iceberg.get(check).toString()).isEqualTo(Status.PASS);
        }
        assertThat(icebergHours).isNotEmpty().isEqualTo(parquetHours);
    }

    /**
     * The SQL of link 3 on the tables (pv_accounted: events_read against windows_batches) gives the answer of the
     * Java definition, accounting's {@code Link3.ofTable}, per sealed window: counted and dropped as late.
     */
    @Test
    void linkThreeInSqlIsTheJavaDefinitionOnTheTables() throws Exception {
        StackFixture f = new StackFixture(tmp.resolve("data")).write();
        icebergOnly(f);
        Path chk = f.root().resolve(DataRoot.CHECKPOINTS);
        io.streamingclicks.accounting.spark.CheckpointLog windows = io.streamingclicks.accounting.spark.CheckpointLog
                .read(chk.resolve("windows"));
        io.streamingclicks.accounting.spark.IngestBatches ingest = new io.streamingclicks.accounting.spark
                .IngestBatches(io.streamingclicks.accounting.spark.CheckpointLog.read(chk.resolve("ingest")), Map.of());
        List<io.streamingclicks.accounting.iceberg.TableSnapshot> snapshots = new java.util.ArrayList<>();
        try (TestWarehouse w = new TestWarehouse(f.root())) {
            for (org.apache.iceberg.Snapshot s : w.table(Sink.EVENTS).snapshots()) {
                snapshots.add(new io.streamingclicks.accounting.iceberg.TableSnapshot(s.snapshotId(), s.parentId(),
                        s.operation(), s.summary()));
            }
        }
        var highWater = new io.streamingclicks.accounting.iceberg.IngestHighWater(snapshots,
                TestWarehouse.INGEST_QUERY_ID);
        Map<Long, long[]> sql = new java.util.TreeMap<>();
        List<io.streamingclicks.accounting.links.Link3.TableEvent> events = new java.util.ArrayList<>();
        try (Harness h = new Harness(f.root(), ICEBERG); Workspace ws = open(h)) {
            for (Map<String, Object> r : ws.rows("pv_accounting")) {
                sql.put(((Instant) r.get("window_start")).toEpochMilli(), new long[]{(Long) r.get("expected_pv"),
                        (Long) r.get("late_events")});
            }
            try (var st = ws.connection().createStatement();
                 var rs = st.executeQuery("SELECT ws_ms, kafka_partition, kafka_offset FROM events")) {
                while (rs.next()) {
                    var b = ingest.ofKafka(rs.getInt(2), rs.getLong(3));
                    events.add(new io.streamingclicks.accounting.links.Link3.TableEvent(
                            b.isPresent() ? b.getAsLong() : null, Instant.ofEpochMilli(rs.getLong(1))));
                }
            }
        }
        Map<Long, long[]> java = new java.util.TreeMap<>();
        io.streamingclicks.accounting.links.Link3.ofTable(windows, highWater, StackFixture.WINDOW, events).windows()
                .forEach((start, w) -> {
                    if (start.plus(StackFixture.WINDOW).toEpochMilli() <= windows.committedWatermark()) {
                        java.put(start.toEpochMilli(), new long[]{w.counted(), w.droppedLate()});
                    }
                });
        assertThat(sql).isNotEmpty();
        assertThat(sql.keySet()).isEqualTo(java.keySet());
        sql.forEach((w, n) -> assertThat(n).as("window %s", Instant.ofEpochMilli(w)).containsExactly(java.get(w)));
        assertThat(sql.values().stream().mapToLong(n -> n[1]).sum()).as("the fixture's late events").isEqualTo(3);
    }

    /**
     * The snapshots the windows offsets name expired (only the current one kept): link 3 still holds with the ingest
     * high-water the job recorded with each batch in {@code chk/windows/history} while they were there. Without the
     * history the boundaries cannot be told, and the reconciliation fails.
     */
    @Test
    void linkThreeHoldsAfterExpiryWithTheHighWaterRecordedInTheHistory() throws Exception {
        StackFixture f = new StackFixture(tmp.resolve("data")).write();
        icebergOnly(f);
        Path windows = f.root().resolve("chk/windows");
        try (TestWarehouse w = new TestWarehouse(f.root())) {
            List<io.streamingclicks.accounting.iceberg.TableSnapshot> snapshots = new java.util.ArrayList<>();
            for (org.apache.iceberg.Snapshot s : w.table(Sink.EVENTS).snapshots()) {
                snapshots.add(new io.streamingclicks.accounting.iceberg.TableSnapshot(s.snapshotId(), s.parentId(),
                        s.operation(), s.summary()));
            }
            var highWater = new io.streamingclicks.accounting.iceberg.IngestHighWater(snapshots,
                    TestWarehouse.INGEST_QUERY_ID);
            assertThat(io.streamingclicks.accounting.spark.BatchHistory.of(windows, highWater::readTo).catchUp())
                    .isPositive();
            w.table(Sink.EVENTS).expireSnapshots().expireOlderThan(System.currentTimeMillis() + 1).retainLast(1)
                    .commit();
            assertThat(w.table(Sink.EVENTS).snapshots()).hasSize(1);
        }
        try (Harness h = new Harness(f.root(), ICEBERG)) {
            Map<String, CheckResult> checks = Harness.byName(h.runAll());
            for (String check : LINK_THREE) {
                assertThat(checks.get(check).status()).as(checks.get(check).toString()).isEqualTo(Status.PASS);
            }
        }
        Files.move(windows.resolve("history"), windows.resolve("history-moved-away"));
        try (Harness h = new Harness(f.root(), ICEBERG)) {
            CheckResult r = Harness.byName(h.runAll()).get("reconciliation_events_pv");
            assertThat(r.status()).as(r.toString()).isEqualTo(Status.FAIL);
        }
    }

    /**
     * Shown able to fail: an event lost from the events table (pv counted it) fails the reconciliation on Iceberg as
     * on Parquet.
     */
    @Test
    void aCountedEventMissingFromTheEventsTableFailsTheReconciliation() throws Exception {
        StackFixture f = new StackFixture(tmp.resolve("data"));
        f.dropOneEvent = true;
        f.write();
        icebergOnly(f);
        try (Harness h = new Harness(f.root(), ICEBERG)) {
            CheckResult r = Harness.byName(h.runAll()).get("reconciliation_events_pv");
            assertThat(r.status()).as(r.toString()).isEqualTo(Status.FAIL);
            assertThat(r.value()).isEqualTo(1.0);
            assertThat(r.detail()).contains("pv 30 but 29 events counted");
        }
    }

    /**
     * Shown able to fail: with every windows batch's offset one ingest batch behind, the events of the batch that
     * read up to the boundary are taken as late; pv counted them, so the reconciliation fails, and the events it
     * names as late grow.
     */
    @Test
    void aBoundaryOneIngestBatchOffFailsTheReconciliation() throws Exception {
        StackFixture f = new StackFixture(tmp.resolve("data")).write();
        icebergOnly(f, -1);
        try (Harness h = new Harness(f.root(), ICEBERG)) {
            CheckResult r = Harness.byName(h.runAll()).get("reconciliation_events_pv");
            assertThat(r.status()).as(r.toString()).isEqualTo(Status.FAIL);
            assertThat(r.value()).isEqualTo(1.0);
            // the fixture's 3 late events, and the one that arrived in the very batch that sealed its window
            assertThat(r.detail()).contains("4 events dropped as late").contains("but 27 events counted");
        }
    }

    @Test
    void aDataFileGoneFromATableFailsNamingTheTableAndTheFile() throws Exception {
        StackFixture f = new StackFixture(tmp.resolve("data")).write();
        Path gone = icebergOnly(f).get(Sink.UV).get(0);
        Files.delete(gone);
        try (Harness h = new Harness(f.root(), ICEBERG)) {
            CheckResult r = Harness.byName(h.runAll()).get(CommittedFilesPresent.NAME);
            assertThat(r.status()).isEqualTo(Status.FAIL);
            assertThat(r.value()).isEqualTo(1.0);
            assertThat(r.detail()).contains("Iceberg table clicks.uv snapshot").contains(gone.toString());
        }
    }

    @Test
    void aCorruptMetadataFileFailsNamingTheTableAndTheFileAndTheOtherChecksStillRun() throws Exception {
        StackFixture f = new StackFixture(tmp.resolve("data")).write();
        icebergOnly(f);
        Path metadata;
        try (var files = Files.list(f.root().resolve("warehouse/clicks/pv/metadata"))) {
            metadata = files.filter(p -> p.toString().endsWith(".metadata.json")).sorted().reduce((a, b) -> b)
                    .orElseThrow();
        }
        Files.writeString(metadata, "{ this is not what Iceberg wrote");
        try (Harness h = new Harness(f.root(), ICEBERG)) {
            Map<String, CheckResult> r = Harness.byName(h.runAll());
            CheckResult files = r.get(CommittedFilesPresent.NAME);
            assertThat(files.status()).isEqualTo(Status.FAIL);
            assertThat(files.detail()).contains("1 outputs unreadable").contains("Iceberg table clicks.pv")
                    .contains(metadata.toString());
            // pv reads as empty: the checks over it run and say what they see.
            assertThat(r.get("nulls_uv").status()).isEqualTo(Status.PASS);
            assertThat(r.get("completeness").status()).isEqualTo(Status.FAIL);
        }
    }

    static Workspace open(Harness h) throws Exception {
        return Workspace.open(h.db, SqlFile.load(), SnapshotReader.read(h.settings), h.settings.window().toMillis(),
                h.settings.uvRsd());
    }

    /** The hour unions of UV over the fixture's day, read through the partition cache. */
    static List<UvBucket> hours(Harness h) throws Exception {
        int lgK = StackFixture.LG_K;
        try (Workspace ws = open(h)) {
            Instant to = Instant.now().plus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
            return UvBuckets.of(h.settings, 100).buckets(ws, Duration.ofHours(1), to.minus(Duration.ofDays(1)), to,
                    lgK, ws.snapshot().sealedMs());
        }
    }
}
