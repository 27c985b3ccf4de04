package io.streamingclicks.validator.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.net.URL;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Time travel on Iceberg: {@code /api/topn?asOf=} answers from the pv snapshot current at that instant, as the
 * validator answered then, while commits land; a time before the table's first snapshot, a snapshot since expired,
 * and a malformed {@code asOf} each get an answer saying why. The dashboard's Top-N panel shows such a snapshot
 * (asOf in its URL) and names it. The steps build on each other: one table, its snapshots appended test by test.
 */
@QuarkusTest
@QuarkusTestResource(value = TimeTravelDataRoot.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IcebergTimeTravelTest {

    static final Instant W1 = Instant.parse("2026-11-21T22:40:00Z");
    static final Instant W2 = Instant.parse("2026-11-21T22:45:00Z");

    @TestHTTPResource("/")
    URL dashboard;

    static long first;
    static long second;
    static Instant then;
    static JsonPath answeredThen;

    static Map<String, Long> pv(Object... pageAndPv) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < pageAndPv.length; i += 2) {
            m.put((String) pageAndPv[i], ((Number) pageAndPv[i + 1]).longValue());
        }
        return m;
    }

    static JsonPath topn(String query) {
        return given().urlEncodingEnabled(false).get("/api/topn?n=3" + query).then().statusCode(200).extract()
                .jsonPath();
    }

    @Test
    @Order(1)
    void topNAsOfAnOlderSnapshotEqualsWhatTheValidatorAnsweredThen() throws Exception {
        first = TimeTravelDataRoot.appendWindow(W1, pv("/a", 30, "/b", 20, "/c", 10, "/d", 5));
        answeredThen = topn("");
        assertThat(answeredThen.getString("window_start")).isEqualTo(W1.toString());
        assertThat(answeredThen.getList("pages.page_id", String.class)).containsExactly("/a", "/b", "/c");
        assertThat(answeredThen.getString("snapshot.id")).isEqualTo(Long.toString(first));
        then = Instant.now();
        Thread.sleep(20);

        // A later window with another ranking: the current answer moves on.
        second = TimeTravelDataRoot.appendWindow(W2, pv("/d", 50, "/c", 40, "/b", 1));
        JsonPath now = topn("");
        assertThat(now.getString("window_start")).isEqualTo(W2.toString());
        assertThat(now.getList("pages.page_id", String.class)).containsExactly("/d", "/c", "/b");
        assertThat(now.getString("snapshot.id")).isEqualTo(Long.toString(second));

        JsonPath past = topn("&asOf=" + then);
        assertThat(past.getString("window_start")).isEqualTo(answeredThen.getString("window_start"));
        assertThat(past.getList("pages")).isEqualTo(answeredThen.getList("pages"));
        assertThat(past.getString("snapshot.id")).isEqualTo(Long.toString(first));
        assertThat(Instant.parse(past.getString("snapshot.committed_at"))).isBeforeOrEqualTo(then);
        assertThat(past.getString("snapshot.as_of")).isEqualTo(then.toString());
        // The window that did not exist yet then is empty then, whatever it holds now.
        assertThat(topn("&asOf=" + then + "&window=" + W2).getList("pages")).isEmpty();
        assertThat(topn("&asOf=" + then + "&window=" + W1).getList("pages")).isEqualTo(
                answeredThen.getList("pages"));

        // The read of the past poisoned nothing: the next plain request answers now again.
        assertThat(topn("").getList("pages")).isEqualTo(now.getList("pages"));
        assertThat(topn("").getString("snapshot.id")).isEqualTo(Long.toString(second));
    }

    @Test
    @Order(2)
    void theDashboardShowsTheSnapshotAsOfItsUrlAndNamesIt() throws Exception {
        JsonPath api = given().get("/api/topn?n=10&asOf=" + then).then().statusCode(200).extract().jsonPath();
        String dom = DashboardTest.chromiumDom(new URL(dashboard, "/?asOf=" + then));
        List<List<String>> drawn = DashboardTest.table(dom, "topn-rows");
        assertThat(drawn).isNotEmpty();
        assertThat(drawn).extracting(r -> r.get(1)).containsExactlyElementsOf(api.getList("pages.page_id",
                String.class));
        assertThat(drawn).extracting(r -> Long.parseLong(r.get(2)))
                .containsExactlyElementsOf(api.getList("pages.pv", Long.class));
        assertThat(dom).containsPattern("<p id=\"topn-snapshot\"[^>]*>[^<]*snapshot " + first + "[^<]*</p>");
        assertThat(dom).containsPattern("<input id=\"asof-input\"[^>]*>");
        // Without asOf the panel shows the current snapshot, and names it.
        String current = DashboardTest.chromiumDom(dashboard);
        assertThat(DashboardTest.table(current, "topn-rows")).extracting(r -> r.get(1))
                .containsExactly("/d", "/c", "/b");
        assertThat(current).containsPattern("<p id=\"topn-snapshot\"[^>]*>[^<]*snapshot " + second + "[^<]*</p>");
    }

    @Test
    @Order(3)
    void beforeTheFirstSnapshotIs404SayingTheTableHadNone() {
        given().get("/api/topn?asOf=2020-01-01T00:00:00Z").then().statusCode(404)
                .body("error", equalTo("no_snapshot")).body("table", equalTo("clicks.pv"))
                .body("message", containsString("had no snapshot at or before 2020-01-01T00:00:00Z"))
                .body("message", containsString("its first snapshot is " + first))
                .body("oldest_snapshot.id", equalTo(Long.toString(first)));
    }

    @Test
    @Order(4)
    void aMalformedAsOfIs400NamingItAndTheFormat() {
        given().get("/api/topn?asOf=yesterday").then().statusCode(400)
                .body("field", equalTo("asOf")).body("allowed", containsString("ISO-8601"))
                .body("message", containsString("asOf"));
    }

    @Test
    @Order(5)
    void anExpiredSnapshotIs404NamingTheRetentionAndTheOldestReadable() throws Exception {
        TimeTravelDataRoot.expire(first);
        given().get("/api/topn?asOf=" + then).then().statusCode(404)
                .body("error", equalTo("snapshot_expired")).body("table", equalTo("clicks.pv"))
                .body("retention", equalTo("ICEBERG_SNAPSHOT_RETENTION=PT6H"))
                .body("message", containsString("ICEBERG_SNAPSHOT_RETENTION=PT6H"))
                .body("message", containsString("oldest snapshot still readable is " + second))
                .body("oldest_snapshot.id", equalTo(Long.toString(second)));
        // The current snapshot still answers, and an instant after the oldest kept one reads it.
        assertThat(topn("&asOf=" + Instant.now()).getString("snapshot.id")).isEqualTo(Long.toString(second));
    }
}
