package io.streamingclicks.validator.realjob;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.contract.Warehouse;
import io.streamingclicks.validator.committed.IcebergFiles;
import io.streamingclicks.validator.committed.IcebergTables;
import io.streamingclicks.validator.committed.SinkFiles;
import io.streamingclicks.validator.dq.CheckResult;
import io.streamingclicks.validator.dq.CheckRunner;
import io.streamingclicks.validator.dq.Status;

/**
 * The service over the Iceberg tables the real Spark job wrote ({@code --format iceberg}, the Parquet real-job
 * fixture's input), moved to another absolute path: every data-quality check runs and none fails, the tables'
 * planned files hold the job's own row counts, Top-N of every sealed window equals the ranking of committed pv, and
 * {@code /api/uv} answers every grain.
 */
@QuarkusTest
@QuarkusTestResource(value = IcebergRealJobFixture.class, restrictToAnnotatedClass = true)
class IcebergRealJobFixtureTest {

    /** Checks of the landing-file source: not applicable to a Kafka run, on either format. */
    static final Set<String> FILE_SOURCE_ONLY = Set.of("reconciliation_producer_landing",
            "reconciliation_landing_events");
    /** make samples' leakage checks: not applicable on this format. */
    static final Set<String> LEAKAGE = Set.of("samples_naive_recompute", "features_source_before_t",
            "samples_premature_labels");

    @Inject
    CheckRunner runner;

    @BeforeEach
    void fixtureWasBuilt() {
        assertThat(IcebergRealJobFixture.present).as(IcebergRealJobFixture.MISSING).isTrue();
        assertThat(IcebergRealJobFixture.root).isNotEqualTo(IcebergRealJobFixture.SOURCE);
    }

    static Properties props() {
        return IcebergRealJobFixture.props;
    }

    @Test
    void everyCheckRunsAndNoneFailsOnTheJobsTables() throws Exception {
        Map<String, CheckResult> r = runner.runAll().stream()
                .collect(Collectors.toMap(CheckResult::check, Function.identity()));
        r.values().forEach(c -> System.out.println("real-job iceberg fixture: " + c));
        assertThat(r.keySet()).contains("nulls_uv", "nulls_pv", "nulls_events", "duplicates_uv", "duplicates_pv",
                "event_id_unique", "reconciliation_kafka_events", "committed_files_present", "completeness",
                "hll_vs_exact", "hll_vs_exact_hourly", "reconciliation_events_pv", "reconciliation_producer_kafka",
                "quarantine_rate", "freshness", "topn_vs_pv");
        assertThat(r.values()).allSatisfy(c -> assertThat(c.status()).as(c.toString()).isNotEqualTo(Status.FAIL));
        // Link 3's checks included: they run on the tables' snapshots (ingest batch against the snapshot high-water).
        assertThat(r.values()).filteredOn(c -> !FILE_SOURCE_ONLY.contains(c.check()) && !LEAKAGE.contains(c.check()))
                .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isIn(Status.PASS, Status.WARN));
        // make samples cannot run on this format: its leakage checks say so.
        assertThat(r.values()).filteredOn(c -> LEAKAGE.contains(c.check())).hasSize(3)
                .allSatisfy(c -> assertThat(c.status()).isEqualTo(Status.NOT_APPLICABLE));
        assertThat(r.get("committed_files_present").detail()).doesNotContain("unreadable");
        assertThat(r.get("quarantine_rate").detail()).contains("missing_user_id");
        assertThat(r.get("reconciliation_producer_kafka").detail()).contains(" 0 events lost, 0 doubled");
    }

    /**
     * The tables read at the fixture's unpacked location (spark-job's test jar, {@code target/fixtures/}) and at the
     * moved copy the service reads: the same number of files, each on disk under that root (every location the
     * catalog and metadata name rebased), none missing.
     */
    @Test
    void theCatalogsAbsolutePathsAreRebasedWhereverTheFixtureLies() throws Exception {
        for (Path at : List.of(IcebergRealJobFixture.SOURCE, IcebergRealJobFixture.root)) {
            IcebergFiles tables = new IcebergFiles(new IcebergTables(at.resolve(Warehouse.DIR)));
            for (Sink sink : List.of(Sink.EVENTS, Sink.PV, Sink.UV, Sink.TOPN)) {
                SinkFiles f = tables.read(sink);
                assertThat(f.error()).as("%s at %s", sink, at).isNull();
                assertThat(f.missing()).as("%s at %s", sink, at).isEmpty();
                assertThat(f.files()).as("%s at %s", sink, at).isNotEmpty()
                        .allSatisfy(p -> assertThat(p).startsWith(at));
            }
        }
        assertThat(IcebergRealJobFixture.SOURCE.resolve("parquet")).doesNotExist();
    }

    @Test
    void thePlannedFilesHoldTheJobsOwnCounts() throws Exception {
        try (Connection c = FixtureWindows.duckdb()) {
            for (Sink sink : Sink.values()) {
                assertThat(count(c, sink, "count(*)")).as("committed rows of %s", sink)
                        .isEqualTo(Long.parseLong(props().getProperty("rows." + sink.dir())));
            }
            assertThat(count(c, Sink.PV, "sum(pv)")).isEqualTo(Long.parseLong(props().getProperty("pv_total")));
            assertThat(count(c, Sink.EVENTS, "count(*)") + count(c, Sink.QUARANTINE, "count(*)"))
                    .as("events + quarantine = records the job's ingest query read (chk/ingest)")
                    .isEqualTo(Long.parseLong(props().getProperty("records_read")));
        }
    }

    @Test
    void topNOfEachSealedWindowEqualsTheRankingOfCommittedPv() throws Exception {
        int checked = 0;
        try (Connection c = FixtureWindows.duckdb()) {
            for (Instant w : windows()) {
                JsonPath r = FixtureWindows.assertTopNIsCommittedPv(c, scan(Sink.PV), w);
                assertThat(r.getString("snapshot.table")).isEqualTo("clicks.pv");
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(5);
    }

    /**
     * The hour and day unions merge every window sketch of the uv table. Window UV ({@code grain=window}) lists the
     * windows of the events the windows query counted (link 3, {@code pv_accounted}, on the tables' snapshots):
     * every data window is there.
     */
    @Test
    void uvAnswersEveryGrainOverTheJobsSketches() throws Exception {
        long uvWindows;
        try (Connection c = FixtureWindows.duckdb()) {
            uvWindows = count(c, Sink.UV, "count(DISTINCT window_start)");
        }
        assertThat(uvWindows).isGreaterThanOrEqualTo(windows().size());
        JsonPath byWindow = given().get("/api/uv").then().statusCode(200).extract().jsonPath();
        List<String> starts = byWindow.getList("windows.window_start", String.class);
        assertThat(starts).containsAll(windows().stream().map(Instant::toString).toList());
        for (String grain : List.of("hour", "day")) {
            JsonPath r = given().queryParam("grain", grain).get("/api/uv").then().statusCode(200).extract()
                    .jsonPath();
            List<Map<String, Object>> buckets = r.getList("buckets");
            assertThat(buckets).as(grain).isNotEmpty();
            assertThat(buckets).filteredOn(b -> ((Number) b.get("windows")).intValue() > 0).allSatisfy(b -> {
                double estimate = ((Number) b.get("estimate")).doubleValue();
                assertThat(estimate).isPositive();
                assertThat(((Number) b.get("lower")).doubleValue()).isLessThanOrEqualTo(estimate);
                assertThat(((Number) b.get("upper")).doubleValue()).isGreaterThanOrEqualTo(estimate);
            });
            assertThat(buckets).allSatisfy(b -> assertThat(b.get("windows_without_sketch")).isEqualTo(0));
            assertThat(buckets.stream().mapToLong(b -> ((Number) b.get("windows")).intValue()).sum())
                    .as("%s buckets merge every window sketch of the uv table", grain).isEqualTo(uvWindows);
        }
    }

    private static List<Instant> windows() {
        return FixtureWindows.of(props());
    }

    /** A scan of exactly the files the sink's table plans in its current snapshot (the validator's reader). */
    private static String scan(Sink sink) {
        SinkFiles f = new IcebergFiles(new IcebergTables(IcebergRealJobFixture.root.resolve(Warehouse.DIR)))
                .read(sink);
        assertThat(f.error()).isNull();
        String files = f.files().stream().map(p -> "'" + p.toString().replace("'", "''") + "'")
                .collect(Collectors.joining(", "));
        return "read_parquet([" + files + "])";
    }

    private static long count(Connection c, Sink sink, String expr) throws Exception {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + expr + " FROM " + scan(sink))) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
