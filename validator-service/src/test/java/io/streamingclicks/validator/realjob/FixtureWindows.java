package io.streamingclicks.validator.realjob;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.restassured.path.json.JsonPath;
import io.streamingclicks.validator.db.DuckDbAccess;

/**
 * What both real-job fixture tests (Parquet and Iceberg) check the service against, read from the fixture itself:
 * its sealed windows ({@code fixture.properties}) and each window's Top-10 ranked from the committed pv rows with
 * DuckDB directly, outside the service.
 */
final class FixtureWindows {

    private FixtureWindows() {
    }

    /** The windows the job sealed, first to last, as the fixture's writer recorded them. */
    static List<Instant> of(Properties props) {
        Instant first = Instant.parse(props.getProperty("first_window"));
        Instant last = Instant.parse(props.getProperty("last_window"));
        Duration window = Duration.parse(props.getProperty("WINDOW_DURATION"));
        List<Instant> out = new ArrayList<>();
        for (Instant w = first; !w.isAfter(last); w = w.plus(window)) {
            out.add(w);
        }
        return out;
    }

    /** A small offline DuckDB for the expectations. */
    static Connection duckdb() throws Exception {
        Properties p = new Properties();
        p.setProperty("memory_limit", "256MB");
        p.setProperty("threads", "1");
        return DuckDbAccess.offline(p);
    }

    /**
     * Asserts that {@code /api/topn} for window {@code w} ranks the pages exactly as the committed pv rows do (pv
     * descending, ties by page id), and returns the answer for further checks.
     *
     * @param pvScan a DuckDB table expression over exactly the pv files the format commits
     */
    static JsonPath assertTopNIsCommittedPv(Connection c, String pvScan, Instant w) throws Exception {
        List<String> expectedPages = new ArrayList<>();
        List<Long> expectedPv = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT page_id, sum(pv) FROM " + pvScan
                + " WHERE epoch_ms(window_start) = ? GROUP BY page_id ORDER BY 2 DESC, 1 LIMIT 10")) {
            st.setLong(1, w.toEpochMilli());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    expectedPages.add(rs.getString(1));
                    expectedPv.add(rs.getLong(2));
                }
            }
        }
        JsonPath r = given().queryParam("window", w.toString()).queryParam("n", 10)
                .get("/api/topn").then().statusCode(200).extract().jsonPath();
        assertThat(expectedPages).as("committed pv rows of %s", w).isNotEmpty();
        assertThat(r.getList("pages.page_id", String.class)).as("top-n pages of %s", w)
                .containsExactlyElementsOf(expectedPages);
        assertThat(r.getList("pages.pv", Long.class)).as("top-n pv of %s", w).containsExactlyElementsOf(expectedPv);
        return r;
    }
}
