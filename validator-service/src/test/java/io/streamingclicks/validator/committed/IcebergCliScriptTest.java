package io.streamingclicks.validator.committed;

import static io.streamingclicks.validator.db.SqlCli.cli;
import static io.streamingclicks.validator.db.SqlCli.rows;
import static io.streamingclicks.validator.db.SqlCli.runFile;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.validator.fixture.StackFixture;
import io.streamingclicks.validator.fixture.TestWarehouse;

/**
 * {@code make sql-files}: the script it prints, read before queries.sql by a CLI DuckDB, makes the whole file answer
 * on Iceberg tables what it answers on the same output as Parquet; without it the file finds nothing there.
 */
class IcebergCliScriptTest {

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run script(Path root, String asOf) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = IcebergCliScript.run(new SmallRyeConfigBuilder()
                        .withSources(new PropertiesConfigSource(Map.of("DATA_DIR", root.toString()), "test", 500))
                        .build(), asOf, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** What the named statements answer after the whole file, as a CLI user reads them. */
    static Map<String, List<Map<String, Object>>> answers(Connection c) throws Exception {
        return Map.of("windows", rows(c, "windows"), "topn", rows(c, "topn"), "pv_accounting",
                rows(c, "pv_accounting"), "uv_by_window", rows(c, "uv_by_window"), "dq_offsets", rows(c, "dq_offsets"));
    }

    static void read(Connection c, String script) throws Exception {
        // One statement per ';' at a line end: the script's own layout (paths hold no such thing).
        for (String stmt : script.split(";\n")) {
            if (!stmt.lines().allMatch(l -> l.isBlank() || l.startsWith("--"))) {
                try (Statement s = c.createStatement()) {
                    s.execute(stmt);
                }
            }
        }
    }

    @Test
    void queriesSqlAnswersTheSameOnTheTablesAsOnParquetWithTheScript() throws Exception {
        StackFixture f = new StackFixture(tmp.resolve("data")).write();
        Map<String, List<Map<String, Object>>> parquet;
        try (Connection c = cli()) {
            runFile(c, f.root());
            parquet = answers(c);
        }
        assertThat(parquet.get("windows")).isNotEmpty();
        try (TestWarehouse w = new TestWarehouse(f.root());
             Connection duckdb = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties())) {
            w.copyOf(f.root(), duckdb);
        }
        Files.move(f.root().resolve(DataRoot.PARQUET), f.root().resolve("parquet-moved-away"));

        Run run = script(f.root(), null);
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("SET VARIABLE pv_files = [", "Iceberg table clicks.pv snapshot ");
        try (Connection c = cli()) {
            read(c, run.out());
            runFile(c, f.root());
            assertThat(answers(c)).isEqualTo(parquet);
        }
        // Without the script the file reads _spark_metadata, which the Iceberg format does not write.
        try (Connection c = cli()) {
            runFile(c, f.root());
            assertThat(rows(c, "windows")).isEmpty();
        }
        // As of before the tables' first snapshots: nothing committed then.
        Run before = script(f.root(), "2000-01-01T00:00:00Z");
        assertThat(before.code()).as(before.err()).isZero();
        assertThat(before.out()).contains("SET VARIABLE pv_files = CAST([] AS VARCHAR[])");
        try (Connection c = cli()) {
            read(c, before.out());
            runFile(c, f.root());
            assertThat(rows(c, "windows")).isEmpty();
        }
    }

    @Test
    void withoutACatalogOrWithABadAsOfItSaysWhy() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("parquet-root"));
        Run none = script(root, null);
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("no Iceberg catalog at " + root.resolve("warehouse/catalog.db"));
        Run bad = script(root, "yesterday");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("AS_OF must be an ISO-8601 UTC instant");
    }
}
