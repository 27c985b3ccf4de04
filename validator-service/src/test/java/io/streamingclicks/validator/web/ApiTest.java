package io.streamingclicks.validator.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.streamingclicks.validator.dq.CheckRunner;
import io.streamingclicks.validator.fixture.StackFixture;

/** The REST API over a fixture data root: values against hand-computed truth, every bad parameter a 400. */
@QuarkusTest
@QuarkusTestResource(value = FixtureDataRoot.class, restrictToAnnotatedClass = true)
class ApiTest {

    @Inject
    CheckRunner runner;

    @Inject
    io.streamingclicks.validator.dq.CheckHistory history;

    static StackFixture f() {
        return FixtureDataRoot.fixture;
    }

    @Test
    void topNEqualsTheHandComputedRanking() {
        Instant w = f().windowStart(1);
        List<Map.Entry<String, Long>> expected = ExpectedTopN.of(f(), 1, 3);
        JsonPath r = given().queryParam("window", w.toString()).queryParam("n", 3)
                .get("/api/topn").then().statusCode(200).extract().jsonPath();
        assertThat(r.getString("window_start")).isEqualTo(w.toString());
        assertThat(r.getList("pages.page_id", String.class)).containsExactlyElementsOf(
                expected.stream().map(Map.Entry::getKey).toList());
        assertThat(r.getList("pages.pv", Long.class)).containsExactlyElementsOf(
                expected.stream().map(Map.Entry::getValue).toList());
        assertThat(r.getList("pages.rank", Integer.class)).containsExactly(1, 2, 3);
    }

    @Test
    void topNDefaultsToTheLatestSealedWindow() {
        int last = f().sealedWindowCount() - 1;
        JsonPath r = given().get("/api/topn").then().statusCode(200).extract().jsonPath();
        assertThat(r.getString("window_start")).isEqualTo(f().windowStart(last).toString());
        assertThat(r.getList("pages.pv", Long.class).stream().mapToLong(Long::longValue).sum())
                .isEqualTo(f().expectedPv(last).values().stream().mapToLong(Long::longValue).sum());
    }

    @ParameterizedTest
    @CsvSource({
            "/api/topn?n=0, n, 1..1000",
            "/api/topn?n=1001, n, 1..1000",
            "/api/topn?n=ten, n, 1..1000",
            "/api/topn?window=yesterday, window, ISO-8601",
            "/api/topn?window=2026-11-21T22:47:00Z, window, 5-minute window",
            "/api/topn?asOf=2026-11-21T22:45:00Z, asOf, time travel needs OUTPUT_FORMAT=iceberg",
            "/api/uv?from=2026-11-21T23:00:00Z&to=2026-11-21T22:00:00Z, to, after from",
            "/api/uv?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z, to, 31 days",
            "/api/uv?from=1, from, ISO-8601",
            "/api/uv?grain=minute, grain, 'one of window, hour, day'",
            "/api/uv?grain=HOURS, grain, 'one of window, hour, day'",
            "/api/uv?grain=hour&from=yesterday, from, ISO-8601",
            "/api/uv?grain=day&to=2026-13-01T00:00:00Z, to, ISO-8601",
            "/api/uv?grain=hour&from=2026-11-21T23:00:00Z&to=2026-11-21T23:00:00Z, to, after from",
            "/api/uv?grain=hour&from=2026-01-01T00:00:00Z&to=2026-02-02T00:00:00Z, to, 31 days",
            "/api/uv?grain=day&from=2025-01-01T00:00:00Z&to=2026-03-01T00:00:00Z, to, 400 days",
            "/api/windows?limit=-1, limit, 1..100000",
            "/api/dq?history=0, history, 1..1000",
            "/api/dq?check=DROP%20TABLE, check, a-z",
    })
    void badParametersGet400NamingTheFieldAndRange(String url, String field, String range) {
        given().urlEncodingEnabled(false).get(url).then().statusCode(400)
                .body("field", equalTo(field)).body("allowed", containsString(range))
                .body("message", containsString(field));
    }

    @Test
    void windowsListsTheSealedWindowsWithTotals() {
        JsonPath r = given().get("/api/windows").then().statusCode(200).extract().jsonPath();
        int sealed = f().sealedWindowCount();
        assertThat(r.getList("windows")).hasSize(sealed);
        for (int i = 0; i < sealed; i++) {
            assertThat(r.getString("windows[" + i + "].window_start")).isEqualTo(f().windowStart(i).toString());
            assertThat(r.getLong("windows[" + i + "].pv"))
                    .isEqualTo(f().expectedPv(i).values().stream().mapToLong(Long::longValue).sum());
        }
    }

    @Test
    void uvComparesHllWithExact() {
        JsonPath r = given().get("/api/uv").then().statusCode(200).extract().jsonPath();
        assertThat(r.getList("windows")).hasSize(f().sealedWindowCount());
        assertThat(r.getList("windows.hll", Long.class)).isEqualTo(r.getList("windows.exact", Long.class));
        assertThat(r.getDouble("rsd")).isEqualTo(0.01);
    }

    /**
     * The hourly buckets of the default range (24 hours ending with the hour of the sealed watermark) against the
     * fixture: each merges the sealed windows of its hour, the exact count is DuckDB's count(DISTINCT user_id) over
     * the events the windows query counted (all but the three late ones) and, at these small counts, the sketch is
     * exact too; a day bucket merges every sealed window.
     */
    @Test
    void uvPerHourAndDayMergesTheWindowSketches() throws Exception {
        JsonPath r = given().queryParam("grain", "hour").get("/api/uv").then().statusCode(200).extract().jsonPath();
        assertThat(r.getInt("num_std_dev")).isEqualTo(2);
        assertThat(r.getInt("lg_k")).isEqualTo(14);
        assertThat(r.getBoolean("exact_included")).isTrue();
        long sealed = f().sealedMs();
        Instant to = Instant.parse(r.getString("to"));
        assertThat(to.toEpochMilli()).isEqualTo(-Math.floorDiv(-sealed, 3_600_000L) * 3_600_000L);
        assertThat(Instant.parse(r.getString("from"))).isEqualTo(to.minus(java.time.Duration.ofHours(24)));
        List<Map<String, Object>> buckets = r.getList("buckets");
        assertThat(buckets).isNotEmpty();
        int windows = 0;
        for (Map<String, Object> b : buckets) {
            Instant start = Instant.parse((String) b.get("start"));
            Instant end = Instant.parse((String) b.get("end"));
            assertThat(start.toEpochMilli() % 3_600_000L).isZero();
            assertThat(end).isEqualTo(start.plusSeconds(3600));
            assertThat(b.get("complete")).isEqualTo(end.toEpochMilli() <= sealed);
            long exact = ((Number) b.get("exact")).longValue();
            assertThat(exact).as(b.toString()).isEqualTo(countedDistinctUsers(start, end, sealed));
            assertThat(((Number) b.get("estimate")).longValue()).isEqualTo(exact);
            assertThat(((Number) b.get("lower")).doubleValue()).isLessThanOrEqualTo(exact);
            assertThat(((Number) b.get("upper")).doubleValue()).isGreaterThanOrEqualTo(exact);
            windows += (Integer) b.get("windows");
        }
        assertThat(windows).isEqualTo(f().sealedWindowCount());

        JsonPath d = given().queryParam("grain", "day").get("/api/uv").then().statusCode(200).extract().jsonPath();
        assertThat(d.getBoolean("exact_included")).isFalse();
        assertThat(d.getList("buckets.windows", Integer.class).stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(f().sealedWindowCount());
        assertThat(d.getList("buckets.start", String.class))
                .allSatisfy(s -> assertThat(Instant.parse(s).toEpochMilli() % 86_400_000L).isZero());
        // One hour asked explicitly, from an instant inside it: widened to the whole hour.
        Instant first = Instant.parse((String) buckets.get(0).get("start"));
        JsonPath one = given().queryParam("grain", "hour").queryParam("from", first.plusSeconds(61).toString())
                .queryParam("to", first.plusSeconds(62).toString()).get("/api/uv").then().statusCode(200)
                .extract().jsonPath();
        assertThat(one.getList("buckets")).hasSize(1);
        assertThat(one.getMap("buckets[0]")).isEqualTo(buckets.get(0));
    }

    @Test
    void uvOfAnEmptyRangeIsAnEmptyList() {
        for (String grain : List.of("window", "hour", "day")) {
            given().queryParam("grain", grain).queryParam("from", "2001-01-01T00:00:00Z")
                    .queryParam("to", "2001-01-02T00:00:00Z").get("/api/uv").then().statusCode(200)
                    .body((grain.equals("window") ? "windows" : "buckets") + ".size()", equalTo(0));
        }
    }

    /** DuckDB's count(DISTINCT user_id) over the fixture's committed events of sealed windows, late ones excluded. */
    static long countedDistinctUsers(Instant from, Instant to, long sealedMs) throws Exception {
        String events = f().root().resolve("parquet/events").toString();
        try (var c = io.streamingclicks.validator.db.DuckDbAccess.offline(); var s = c.createStatement();
             var rs = s.executeQuery("SELECT count(DISTINCT user_id) FROM read_parquet('" + events
                     + "/**/*.parquet') WHERE coalesce(event_id, '') NOT LIKE 'late-%'"
                     + " AND epoch_ms(CAST(event_time AS TIMESTAMP)) >= " + from.toEpochMilli()
                     + " AND epoch_ms(CAST(event_time AS TIMESTAMP)) < " + to.toEpochMilli()
                     + " AND epoch_ms(CAST(event_time AS TIMESTAMP)) // 300000 * 300000 + 300000 <= " + sealedMs)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The leakage checks of make samples' output: not applicable on a data root without samples. */
    static final List<String> LEAKAGE = List.of("samples_naive_recompute", "features_source_before_t",
            "samples_premature_labels");

    @Test
    void dqShowsLatestResultsHistoryAndGauges() throws Exception {
        runner.runAll();
        runner.runAll();
        JsonPath r = given().queryParam("check", "duplicates_pv").get("/api/dq").then().statusCode(200)
                .extract().jsonPath();
        assertThat(r.getList("latest.check", String.class)).contains("duplicates_pv", "completeness", "hll_vs_exact",
                "hll_vs_exact_hourly",
                "reconciliation_producer_kafka", "reconciliation_kafka_events", "reconciliation_events_pv");
        // On this Kafka fixture the file source's reconciliations say they cannot apply, and so do the leakage checks
        // (no make samples output); everything else passes.
        List<Map<String, Object>> latest = r.getList("latest");
        assertThat(latest).allSatisfy(c -> assertThat(c.get("status")).as(c.toString())
                .isEqualTo(c.get("check").toString().contains("landing") || LEAKAGE.contains(c.get("check"))
                        ? "not_applicable" : "pass"));
        assertThat(latest).filteredOn(c -> LEAKAGE.contains(c.get("check"))).hasSize(3)
                .allSatisfy(c -> assertThat(c.get("detail").toString()).contains("no samples"));
        assertThat(latest).filteredOn(c -> c.get("check").toString().contains("landing")).hasSize(2);
        assertThat(r.getList("history.check", String.class)).hasSizeGreaterThanOrEqualTo(2)
                .containsOnly("duplicates_pv");
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("validator_check_status{check=\"duplicates_pv\"}"))
                .body(containsString("validator_check_value{check=\"hll_vs_exact\"}"));
    }

    @Test
    void pipelineReportsWatermarksAndLateEvents() {
        JsonPath r = given().get("/api/pipeline").then().statusCode(200).extract().jsonPath();
        assertThat(r.getString("sealed_watermark")).isEqualTo(Instant.ofEpochMilli(f().sealedMs()).toString());
        assertThat(r.getLong("late_events_total")).isEqualTo(3);
        assertThat(r.getList("late_events.event_id", String.class)).containsExactlyInAnyOrder("late-0", "late-1",
                "late-2");
        assertThat(r.getString("queries.windows.watermark")).isNotBlank();
        assertThat(r.getLong("queries.windows.batch_id")).isEqualTo(r.getLong("queries.windows.committed_batch"));
        assertThat(r.getList("quarantine")).isNotEmpty();
        assertThat(r.getString("output.format")).isEqualTo("parquet");
        assertThat(r.getString("output.sinks.pv.origin")).isEqualTo("parquet/pv/_spark_metadata");
        assertThat(r.getInt("output.sinks.pv.files")).isPositive();
        assertThat(r.getString("output.sinks.pv.error")).isNull();
    }

    @Test
    void resultsOlderThanTheRetentionArePruned() throws Exception {
        var status = io.streamingclicks.validator.dq.Status.PASS;
        history.store(List.of(new io.streamingclicks.validator.dq.CheckResult("ancient_check", status, 0.0, null, 0.0,
                "old", Instant.now().minus(java.time.Duration.ofDays(30)))));
        assertThat(history.history("ancient_check", 10)).isEmpty();
        history.store(List.of(new io.streamingclicks.validator.dq.CheckResult("recent_check", status, 0.0, null, 0.0,
                "recent", Instant.now().minus(java.time.Duration.ofDays(1)))));
        assertThat(history.history("recent_check", 10)).hasSize(1);
    }

    @Test
    void healthAndOpenApiAnswer() {
        given().get("/q/health/ready").then().statusCode(200).body(containsString("data-root"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/topn"));
    }

    @BeforeAll
    static void fixtureWritten() {
        assertThat(FixtureDataRoot.fixture).isNotNull();
    }
}
