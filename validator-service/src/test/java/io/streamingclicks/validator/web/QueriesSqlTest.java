package io.streamingclicks.validator.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.streamingclicks.accounting.spark.CommittedOutput;
import io.streamingclicks.validator.db.SqlFile;
import io.streamingclicks.validator.fixture.StackFixture;

/**
 * queries.sql as a duckdb CLI user runs it (every statement in file order, data_dir set), through JDBC: its SQL
 * reader of _spark_metadata names the same files as the service's, and its Top-N equals the hand-computed one.
 */
class QueriesSqlTest {

    @TempDir
    static Path tmp;
    static StackFixture fixture;

    @BeforeAll
    static void write() throws Exception {
        fixture = new StackFixture(tmp.resolve("data")).write();
    }

    static Connection cli() throws Exception {
        Properties p = new Properties();
        p.setProperty("autoinstall_known_extensions", "false");
        p.setProperty("autoload_known_extensions", "false");
        return new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", p);
    }

    /** Runs the whole file; returns the rows of its last statement (the final query). */
    static void runFile(Connection c) throws Exception {
        SqlFile sql = SqlFile.load();
        try (Statement s = c.createStatement()) {
            for (String name : sql.names()) {
                for (String stmt : sql.block(name)) {
                    s.execute(stmt);
                }
            }
        }
    }

    @Test
    void theFileRunsTopToBottomAndReadsCommittedOutputOnly() throws Exception {
        try (Connection c = cli()) {
            try (PreparedStatement ps = c.prepareStatement("SET VARIABLE data_dir = ?")) {
                ps.setString(1, fixture.root().toString());
                ps.execute();
            }
            try (PreparedStatement ps = c.prepareStatement("SET VARIABLE window_ts = ?")) {
                ps.setString(1, fixture.windowStart(2).toString().replace("T", " ").replace("Z", ""));
                ps.execute();
            }
            runFile(c);
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
