package io.streamingclicks.validator.realjob;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.streamingclicks.accounting.spark.CommittedOutput;
import io.streamingclicks.validator.db.DuckDbAccess;
import io.streamingclicks.validator.dq.CheckResult;
import io.streamingclicks.validator.dq.CheckRunner;
import io.streamingclicks.validator.dq.Status;

/**
 * The service over output the real Spark job wrote (a compacted {@code _spark_metadata}, an orphan Parquet file of a
 * SIGKILLed batch, late and quarantined records, a producer ledger), moved to another absolute path: every check
 * passes, committed counts equal the job's own, and Top-N equals the ranking of committed pv.
 */
@QuarkusTest
@QuarkusTestResource(value = RealJobFixture.class, restrictToAnnotatedClass = true)
class RealJobFixtureTest {

    private static final List<String> SINKS = List.of("uv", "pv", "events", "quarantine", "topn");

    @Inject
    CheckRunner runner;

    @BeforeEach
    void fixtureWasBuilt() {
        assertThat(RealJobFixture.present).as(RealJobFixture.MISSING).isTrue();
        assertThat(RealJobFixture.root).isNotEqualTo(RealJobFixture.SOURCE);
    }

    static Properties props() {
        return RealJobFixture.props;
    }

    static Path sink(String name) {
        return RealJobFixture.root.resolve("parquet").resolve(name);
    }

    @Test
    void everyScheduledCheckPassesOnTheRealJobsOutput() throws Exception {
        Map<String, CheckResult> r = runner.runAll().stream()
                .collect(Collectors.toMap(CheckResult::check, Function.identity()));
        r.values().forEach(c -> System.out.println("real-job fixture: " + c));
        assertThat(r.keySet()).contains("nulls_uv", "nulls_pv", "nulls_events", "duplicates_uv", "duplicates_pv",
                "event_id_unique", "reconciliation_kafka_events", "committed_files_present", "completeness",
                "hll_vs_exact", "reconciliation_events_pv", "reconciliation_producer_kafka", "quarantine_rate",
                "freshness");
        assertThat(r.values()).allSatisfy(c -> assertThat(c.status()).as(c.toString()).isNotEqualTo(Status.FAIL));
        // The checks saw what the job went through, not an empty root: late drops, a quarantined record, settled
        // ledger keys with nothing lost or doubled, sealed windows.
        assertThat(number(r.get("reconciliation_events_pv").detail(), "(\\d+) events dropped as late")).isPositive();
        assertThat(r.get("quarantine_rate").detail()).contains("missing_user_id");
        String link1 = r.get("reconciliation_producer_kafka").detail();
        assertThat(number(link1, "of (\\d+) settled")).isPositive();
        assertThat(link1).contains(" 0 events lost, 0 doubled");
        assertThat(number(r.get("completeness").detail(), "of (\\d+) sealed windows")).isGreaterThanOrEqualTo(
                Duration.between(Instant.parse(props().getProperty("first_window")),
                        Instant.parse(props().getProperty("last_window"))).toMinutes() + 1);
    }

    @Test
    void theOrphanOfTheKilledBatchIsNotCounted() throws Exception {
        List<Path> committed = CommittedOutput.read(sink("events")).files();
        try (Stream<Path> s = Files.walk(sink("events"))) {
            Set<Path> named = Set.copyOf(committed);
            assertThat(s.filter(p -> p.toString().endsWith(".parquet") && !p.toString().contains("_spark_metadata"))
                    .filter(p -> !named.contains(p)).toList())
                    .as("the fixture holds a Parquet file no log names").isNotEmpty();
        }
        try (Connection c = duckdb()) {
            for (String sink : SINKS) {
                assertThat(count(c, sink, "count(*)")).as("committed rows of %s", sink)
                        .isEqualTo(Long.parseLong(props().getProperty("rows." + sink)));
            }
            assertThat(count(c, "pv", "sum(pv)")).isEqualTo(Long.parseLong(props().getProperty("pv_total")));
            assertThat(count(c, "events", "count(*)") + count(c, "quarantine", "count(*)"))
                    .as("events + quarantine = records the job's ingest query read (chk/ingest)")
                    .isEqualTo(Long.parseLong(props().getProperty("records_read")));
        }
    }

    @Test
    void topNOfEachSealedWindowEqualsTheRankingOfCommittedPv() throws Exception {
        Instant first = Instant.parse(props().getProperty("first_window"));
        Instant last = Instant.parse(props().getProperty("last_window"));
        Duration window = Duration.parse(props().getProperty("WINDOW_DURATION"));
        int checked = 0;
        try (Connection c = duckdb()) {
            for (Instant w = first; !w.isAfter(last); w = w.plus(window)) {
                List<String> expectedPages = new ArrayList<>();
                List<Long> expectedPv = new ArrayList<>();
                try (PreparedStatement st = c.prepareStatement("SELECT page_id, sum(pv) FROM " + scan("pv")
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
                assertThat(r.getList("pages.pv", Long.class)).as("top-n pv of %s", w)
                        .containsExactlyElementsOf(expectedPv);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(5);
    }

    private static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("'%s' in: %s", regex, text).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static Connection duckdb() throws Exception {
        Properties p = new Properties();
        p.setProperty("memory_limit", "256MB");
        p.setProperty("threads", "1");
        return DuckDbAccess.offline(p);
    }

    /** A scan of exactly the files the sink's log names (the validator's reader), with the partition columns. */
    private static String scan(String sink) {
        String files = CommittedOutput.read(sink(sink)).files().stream()
                .map(f -> "'" + f.toString().replace("'", "''") + "'").collect(Collectors.joining(", "));
        return "read_parquet([" + files + "], hive_partitioning = true)";
    }

    private static long count(Connection c, String sink, String expr) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT " + expr + " FROM " + scan(sink))) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
