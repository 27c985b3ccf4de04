package io.streamingclicks.validator.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.fixture.TestWarehouse;

/** On Iceberg output, API requests reuse the snapshot until a table commits (its metadata location changes). */
class IcebergSnapshotCacheTest {

    @TempDir
    Path tmp;

    @Test
    void aNewCommitIsSeenAndNothingElseTriggersARead() throws Exception {
        Path root = tmp.resolve("data");
        Instant hour = Instant.parse("2026-11-21T22:00:00Z");
        try (TestWarehouse w = new TestWarehouse(root);
             Connection duckdb = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties())) {
            Table pv = w.create(Sink.PV);
            Path dir = Files.createDirectories(w.dataDir(Sink.PV).resolve("window_start_hour=2026-11-21-22"));
            for (String f : List.of("a.parquet", "b.parquet", "orphan.parquet")) {
                try (Statement s = duckdb.createStatement()) {
                    s.execute("COPY (SELECT TIMESTAMPTZ '" + hour + "' AS window_start) TO '" + dir.resolve(f)
                            + "' (FORMAT parquet)");
                }
            }
            TestWarehouse.append(pv, List.of(TestWarehouse.dataFile(pv, dir.resolve("a.parquet"), hour, 1)));
            ValidatorSettings settings = new ValidatorSettings(new SmallRyeConfigBuilder().withSources(
                    new PropertiesConfigSource(Map.of("DATA_DIR", root.toString(), "OUTPUT_FORMAT", "iceberg"),
                            "test", 500)).build());
            SnapshotCache cache = SnapshotCacheAccess.of(settings);

            OutputSnapshot first = cache.current();
            assertThat(first.files().get(Sink.PV).files()).containsExactly(dir.resolve("a.parquet"));
            // A file in the table's directory that no commit names changes nothing: it is not output.
            assertThat(cache.current()).isSameAs(first);

            TestWarehouse.append(pv, List.of(TestWarehouse.dataFile(pv, dir.resolve("b.parquet"), hour, 1)));
            OutputSnapshot second = cache.current();
            assertThat(second).isNotSameAs(first);
            assertThat(second.files().get(Sink.PV).files()).containsExactlyInAnyOrder(dir.resolve("a.parquet"),
                    dir.resolve("b.parquet"));
            assertThat(cache.current()).isSameAs(second);
        }
    }
}
