package io.streamingclicks.validator.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.streamingclicks.validator.dq.CheckRunner;
import io.streamingclicks.validator.fixture.StackFixture;

/**
 * The dashboard in headless Chromium (Debian's chromium): it loads Chart.js from the service, draws the API's values,
 * and shows a page id containing {@code <script>} as text.
 */
@QuarkusTest
@QuarkusTestResource(value = FixtureDataRoot.class, restrictToAnnotatedClass = true)
class DashboardTest {

    @TestHTTPResource("/")
    URL dashboard;

    @Inject
    CheckRunner runner;

    static String dom;

    static String chromiumDom(URL url) throws Exception {
        Path profile = Files.createTempDirectory("chromium-profile");
        Path out = profile.resolve("dom.html");
        Process p = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--virtual-time-budget=10000", "--dump-dom", url.toString())
                .redirectOutput(out.toFile()).redirectError(profile.resolve("err.log").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s");
        }
        assertThat(p.exitValue()).as(Files.readString(profile.resolve("err.log"))).isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    static List<List<String>> table(String html, String tbodyId) {
        Matcher body = Pattern.compile("<tbody id=\"" + tbodyId + "\">(.*?)</tbody>", Pattern.DOTALL).matcher(html);
        assertThat(body.find()).as("tbody " + tbodyId).isTrue();
        List<List<String>> rows = new ArrayList<>();
        Matcher tr = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL).matcher(body.group(1));
        while (tr.find()) {
            List<String> cells = new ArrayList<>();
            Matcher td = Pattern.compile("<td>(.*?)</td>", Pattern.DOTALL).matcher(tr.group(1));
            while (td.find()) {
                cells.add(unescape(td.group(1)));
            }
            rows.add(cells);
        }
        return rows;
    }

    static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    }

    void load() throws Exception {
        if (dom == null) {
            runner.runAll();
            dom = chromiumDom(dashboard);
        }
    }

    @Test
    void loadsWithoutErrorsAndChartJsFromTheService() throws Exception {
        load();
        assertThat(dom).contains("data-loaded=\"true\"");
        given().get("/webjars/chart.js/4.4.9/dist/chart.umd.js").then().statusCode(200);
        // Chart.js drew into both canvases (it sizes them and sets their style when it renders).
        assertThat(dom).containsPattern("<canvas id=\"topn-chart\"[^>]*style=");
        assertThat(dom).containsPattern("<canvas id=\"uv-chart\"[^>]*style=");
    }

    @Test
    void topNDrawnEqualsTheApi() throws Exception {
        load();
        JsonPath api = given().get("/api/topn?n=10").then().statusCode(200).extract().jsonPath();
        List<List<String>> drawn = table(dom, "topn-rows");
        assertThat(drawn).extracting(r -> r.get(1)).containsExactlyElementsOf(api.getList("pages.page_id", String.class));
        assertThat(drawn).extracting(r -> Long.parseLong(r.get(2)))
                .containsExactlyElementsOf(api.getList("pages.pv", Long.class));
        assertThat(drawn).isNotEmpty();
    }

    @Test
    void uvDrawnEqualsTheApi() throws Exception {
        load();
        JsonPath api = given().get("/api/uv").then().statusCode(200).extract().jsonPath();
        List<List<String>> drawn = table(dom, "uv-rows");
        List<String> hll = new ArrayList<>(api.getList("windows.hll", Long.class).stream().map(String::valueOf).toList());
        java.util.Collections.reverse(hll);
        assertThat(drawn).isNotEmpty();
        assertThat(drawn).extracting(r -> r.get(1)).containsExactlyElementsOf(hll);
    }

    /** The hourly UV table shows the API's buckets: estimate, bounds (rounded as drawn), exact, windows merged. */
    @Test
    void hourlyAndDailyUvDrawnEqualTheApi() throws Exception {
        load();
        assertThat(dom).containsPattern("<canvas id=\"uv-hour-chart\"[^>]*style=");
        assertThat(dom).containsPattern("<canvas id=\"uv-day-chart\"[^>]*style=");
        JsonPath api = given().get("/api/uv?grain=hour").then().statusCode(200).extract().jsonPath();
        List<java.util.Map<String, Object>> buckets = new ArrayList<>(api.getList("buckets"));
        java.util.Collections.reverse(buckets);
        List<List<String>> drawn = table(dom, "uv-hour-rows");
        assertThat(drawn).isNotEmpty().hasSameSizeAs(buckets);
        for (int i = 0; i < drawn.size(); i++) {
            java.util.Map<String, Object> b = buckets.get(i);
            assertThat(drawn.get(i)).containsExactly(b.get("start").toString(), b.get("estimate").toString(),
                    Long.toString(Math.round(((Number) b.get("lower")).doubleValue())),
                    Long.toString(Math.round(((Number) b.get("upper")).doubleValue())), b.get("exact").toString(),
                    b.get("windows").toString(), (Boolean) b.get("complete") ? "yes" : "open");
        }
        JsonPath days = given().get("/api/uv?grain=day").then().statusCode(200).extract().jsonPath();
        List<String> dayEstimates = new ArrayList<>(days.getList("buckets.estimate", Long.class).stream()
                .map(String::valueOf).toList());
        java.util.Collections.reverse(dayEstimates);
        assertThat(table(dom, "uv-day-rows")).isNotEmpty().extracting(r -> r.get(1))
                .containsExactlyElementsOf(dayEstimates);
    }

    @Test
    void dqStatusAndPipelineAreShown() throws Exception {
        load();
        List<List<String>> dq = table(dom, "dq-rows");
        assertThat(dq).extracting(r -> r.get(0)).contains("completeness", "hll_vs_exact", "duplicates_pv");
        assertThat(table(dom, "late-rows")).extracting(r -> r.get(1)).containsExactlyInAnyOrder("late-0", "late-1",
                "late-2");
    }

    @Test
    void aPageIdWithScriptIsRenderedAsText() throws Exception {
        load();
        assertThat(table(dom, "topn-rows")).extracting(r -> r.get(1)).contains(StackFixture.SCRIPT_PAGE);
        assertThat(dom).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");
        assertThat(Pattern.compile("<script").matcher(dom).results().count()).isEqualTo(2);
    }

    @BeforeAll
    static void reset() {
        dom = null;
    }
}
