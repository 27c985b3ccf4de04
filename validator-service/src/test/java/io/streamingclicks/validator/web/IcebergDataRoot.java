package io.streamingclicks.validator.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.validator.fixture.StackFixture;
import io.streamingclicks.validator.fixture.TestWarehouse;

/**
 * A healthy fixture data root whose outputs are Iceberg tables only: the fixture's committed Parquet files appended
 * into the sinks' tables (iceberg-core), its {@code parquet/} moved away; the application starts with
 * {@code OUTPUT_FORMAT=iceberg}.
 */
public class IcebergDataRoot implements QuarkusTestResourceLifecycleManager {

    static StackFixture fixture;

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("validator-iceberg-it");
            fixture = new StackFixture(dir.resolve("data")).write();
            try (TestWarehouse w = new TestWarehouse(fixture.root());
                 Connection duckdb = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:",
                         new java.util.Properties())) {
                w.copyOf(fixture.root(), duckdb);
            }
            Files.move(fixture.root().resolve(DataRoot.PARQUET), fixture.root().resolve("parquet-moved-away"));
            return Map.of("DATA_DIR", fixture.root().toString(), "OUTPUT_FORMAT", "iceberg");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
    }
}
