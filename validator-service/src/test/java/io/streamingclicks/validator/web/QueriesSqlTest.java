package io.streamingclicks.validator.web;

import static io.streamingclicks.validator.db.SqlCli.cli;
import static io.streamingclicks.validator.db.SqlCli.rows;
import static io.streamingclicks.validator.db.SqlCli.runFile;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.streamingclicks.accounting.spark.CommittedOutput;
import io.streamingclicks.validator.db.SqlFile;
import io.streamingclicks.validator.fixture.StackFixture;

/**
 * queries.sql as a duckdb CLI user runs it (every statement in file order, data_dir set), through plain DuckDB JDBC
 * with no service class standing in for a block: it runs without an error on an empty data root, a healthy Kafka one
 * with nothing quarantined and a file-source one; its SQL reader of _spark_metadata names the same files as the
 * service's, and its Top-N equals the hand-computed one.
 */
class QueriesSqlTest {

    @TempDir
    static Path tmp;
    static StackFixture fixture;

    @BeforeAll
    static void write() throws Exception {
        fixture = new StackFixture(tmp.resolve("data")).write();
    }

    /** The Top-N of the latest sealed window as computed by hand from the fixture's records. */
    static List<Map<String, Object>> expectedTopN(StackFixture f) {
        return f.expectedPv(f.sealedWindowCount() - 1).entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(e -> Map.<String, Object>of("page_id", e.getKey(), "pv", e.getValue()))
                .toList();
    }

    /** Per sealed window, pv = the events the windows query counted; the fixture's three late events are named. */
    static void assertLinkThreeHolds(Connection c) throws Exception {
        List<Map<String, Object>> windows = rows(c, "pv_accounting");
        assertThat(windows).isNotEmpty()
                .allSatisfy(w -> assertThat(w.get("pv")).as("pv of %s", w.get("window_start")).isEqualTo(w.get("expected_pv")));
        assertThat(windows.stream().mapToLong(w -> (Long) w.get("late_events")).sum()).isEqualTo(3);
    }

    @Test
    void onAnEmptyDataRootEveryStatementRunsAndFindsNothing() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        try (Connection c = cli()) {
            runFile(c, empty);
            assertThat(rows(c, "topn")).isEmpty();
            assertThat(rows(c, "windows")).isEmpty();
            assertThat(rows(c, "pv_accounting")).isEmpty();
            assertThat(rows(c, "latest_sealed_window")).singleElement()
                    .satisfies(r -> assertThat(r.get("window_start")).isNull());
            assertThat(rows(c, "dq_quarantine_rate")).containsExactly(Map.of("quarantined", 0L, "events", 0L));
        }
    }

    @Test
    void onAHealthyKafkaRootWithNothingQuarantinedEveryStatementRuns() throws Exception {
        StackFixture f = new StackFixture(tmp.resolve("no-quarantine"));
        f.noQuarantine = true;
        f.write();
        try (Connection c = cli()) {
            runFile(c, f.root());
            assertThat(rows(c, "topn")).containsExactlyElementsOf(expectedTopN(f));
            assertThat(rows(c, "dq_quarantine_rate")).containsExactly(Map.of("quarantined", 0L,
                    "events", (long) f.records().size()));
            assertThat(rows(c, "dq_offsets")).hasSize(3)
                    .allSatisfy(p -> assertThat(p).containsEntry("gaps", 0L).containsEntry("repeats", 0L));
            assertLinkThreeHolds(c);
        }
    }

    @Test
    void onAFileSourceRootEveryStatementRunsAndEveryLandingLineIsAccounted() throws Exception {
        StackFixture f = new StackFixture(tmp.resolve("file-source"));
        f.fileSource = true;
        f.write();
        long landingFiles;
        try (Stream<Path> s = Files.list(f.root().resolve("landing"))) {
            landingFiles = s.count();
        }
        try (Connection c = cli()) {
            runFile(c, f.root());
            assertThat(rows(c, "topn")).containsExactlyElementsOf(expectedTopN(f));
            assertThat(rows(c, "dq_landing_lines")).containsExactly(Map.of("files", landingFiles,
                    "lines", (long) f.records().size(), "pending_files", 0L, "missing", 0L, "repeated", 0L,
                    "files_gone", 0L));
            assertThat(rows(c, "dq_offsets")).as("no Kafka rows").isEmpty();
            assertThat(rows(c, "late_events")).hasSize(3)
                    .allSatisfy(e -> assertThat((String) e.get("source_file")).startsWith("clicks-"));
            assertLinkThreeHolds(c);
        }
    }

    @Test
    void theFileRunsTopToBottomAndReadsCommittedOutputOnly() throws Exception {
        try (Connection c = cli()) {
            try (PreparedStatement ps = c.prepareStatement("SET VARIABLE window_ts = ?")) {
                ps.setString(1, fixture.windowStart(2).toString().replace("T", " ").replace("Z", ""));
                ps.execute();
            }
            runFile(c, fixture.root());
            List<String> sqlFiles = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT unnest(getvariable('pv_files'))")) {
                while (rs.next()) {
                    sqlFiles.add(Path.of(rs.getString(1)).normalize().toString());
                }
            }
            List<String> javaFiles = CommittedOutput.read(fixture.root().resolve("parquet/pv")).files().stream()
                    .map(Path::toString).toList();
            assertThat(sqlFiles).containsExactlyInAnyOrderElementsOf(javaFiles).noneMatch(f -> f.contains("deadbeef"));

            List<String> pages = new ArrayList<>();
            List<Long> pv = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SqlFile.load().statement("topn"))) {
                while (rs.next()) {
                    pages.add(rs.getString("page_id"));
                    pv.add(rs.getLong("pv"));
                }
            }
            List<Map.Entry<String, Long>> expected = fixture.expectedPv(2).entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .toList();
            assertThat(pages).containsExactlyElementsOf(expected.stream().map(Map.Entry::getKey).toList());
            assertThat(pv).containsExactlyElementsOf(expected.stream().map(Map.Entry::getValue).toList());

            // The checkpoint macro sees the same sealed bound as the service's Java reader.
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT getvariable('sealed_ms')")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(fixture.sealedMs());
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(SqlFile.load().statement("pv_accounting"))) {
                long late = 0;
                while (rs.next()) {
                    assertThat(rs.getLong("pv")).isEqualTo(rs.getLong("expected_pv"));
                    late += rs.getLong("late_events");
                }
                assertThat(late).isEqualTo(3);
            }
        }
    }
}
