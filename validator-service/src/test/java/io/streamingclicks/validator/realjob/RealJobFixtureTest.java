package io.streamingclicks.validator.realjob;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
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
import io.streamingclicks.accounting.spark.CommittedOutput;
import io.streamingclicks.validator.dq.CheckResult;
import io.streamingclicks.validator.dq.CheckRunner;
import io.streamingclicks.validator.dq.Status;

/**
 * The service over output the real Spark job wrote (a compacted {@code _spark_metadata}, an orphan Parquet file of a
 * SIGKILLed batch, late and quarantined records, a producer ledger, make samples' derivation of the data hour), moved
 * to another absolute path: every check passes (the leakage checks too), committed counts equal the job's own, and
 * Top-N equals the ranking of committed pv.
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
        // make samples ran over the data hour: the leakage checks pass on it, the recompute on 200 of its samples.
        for (String leak : List.of("samples_naive_recompute", "features_source_before_t", "samples_premature_labels")) {
            assertThat(r.get(leak).status()).as(r.get(leak).toString()).isEqualTo(Status.PASS);
        }
        assertThat(r.get("samples_naive_recompute").detail()).startsWith("0 mismatches in 0 of 200 samples")
                .contains("of " + props().getProperty("samples") + " samples)");
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
        try (Connection c = FixtureWindows.duckdb()) {
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
        int checked = 0;
        try (Connection c = FixtureWindows.duckdb()) {
            for (Instant w : FixtureWindows.of(props())) {
                FixtureWindows.assertTopNIsCommittedPv(c, scan("pv"), w);
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
