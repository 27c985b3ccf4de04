package io.streamingclicks.validator.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.streamingclicks.validator.dq.CheckRunner;
import io.streamingclicks.validator.fixture.StackFixture;

/**
 * The service started with {@code OUTPUT_FORMAT=iceberg} over tables only: Top-N (read from pv's hour partition),
 * the pipeline panel and the checks answer as on the Parquet layout, and say which snapshot they read.
 */
@QuarkusTest
@QuarkusTestResource(value = IcebergDataRoot.class, restrictToAnnotatedClass = true)
class IcebergApiTest {

    @Inject
    CheckRunner runner;

    static StackFixture f() {
        return IcebergDataRoot.fixture;
    }

    @Test
    void topNEqualsTheHandComputedRanking() {
        Instant w = f().windowStart(1);
        List<Map.Entry<String, Long>> expected = ExpectedTopN.of(f(), 1, 3);
        JsonPath r = given().queryParam("window", w.toString()).queryParam("n", 3)
                .get("/api/topn").then().statusCode(200).extract().jsonPath();
        assertThat(r.getList("pages.page_id", String.class)).containsExactlyElementsOf(
                expected.stream().map(Map.Entry::getKey).toList());
        assertThat(r.getList("pages.pv", Long.class)).containsExactlyElementsOf(
                expected.stream().map(Map.Entry::getValue).toList());
    }

    @Test
    void thePipelinePanelNamesTheFormatAndTheSnapshotRead() {
        JsonPath r = given().get("/api/pipeline").then().statusCode(200).extract().jsonPath();
        assertThat(r.getString("output.format")).isEqualTo("iceberg");
        assertThat(r.getString("output.sinks.pv.origin")).startsWith("Iceberg table clicks.pv snapshot ");
        assertThat(r.getLong("output.sinks.pv.snapshot_id")).isNotZero();
        assertThat(r.getLong("late_events_total")).isEqualTo(3);
    }

    @Test
    void everyCheckPassesExceptTheFileSourcesWhichCannotApply() throws Exception {
        runner.runAll();
        List<Map<String, Object>> latest = given().get("/api/dq").then().statusCode(200).extract().jsonPath()
                .getList("latest");
        assertThat(latest).extracting(c -> c.get("check")).contains("committed_files_present", "completeness",
                "reconciliation_events_pv", "hll_vs_exact_hourly", "topn_vs_pv");
        assertThat(latest).filteredOn(c -> !String.valueOf(c.get("check")).contains("landing")
                        && !ApiTest.LEAKAGE.contains(c.get("check")))
                .allSatisfy(c -> assertThat(c.get("status")).as(c.toString()).isEqualTo("pass"));
        // make samples cannot run on this format: its leakage checks say so.
        assertThat(latest).filteredOn(c -> ApiTest.LEAKAGE.contains(c.get("check"))).hasSize(3)
                .allSatisfy(c -> assertThat(c.get("status")).isEqualTo("not_applicable"))
                .allSatisfy(c -> assertThat(c.get("detail").toString()).contains("OUTPUT_FORMAT=iceberg"));
    }
}
