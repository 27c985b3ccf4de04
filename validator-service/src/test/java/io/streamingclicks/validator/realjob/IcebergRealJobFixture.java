package io.streamingclicks.validator.realjob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.streamingclicks.validator.fixture.SparkJobFixtures;

/**
 * The data root the real Spark job wrote with {@code --format iceberg} (fixture {@code real-job-iceberg}, made by
 * spark-job's {@code IcebergValidatorFixtureIT} from {@code ValidatorFixtureIT}'s input), copied to another absolute
 * path: the catalog names the writer's temp directory, so every metadata, manifest and data file location must be
 * rebased. The service runs with {@code OUTPUT_FORMAT=iceberg} and the settings the job ran with.
 */
public class IcebergRealJobFixture implements QuarkusTestResourceLifecycleManager {

    static final Path SOURCE = SparkJobFixtures.of("real-job-iceberg");
    static final String MISSING = SparkJobFixtures.missing(SOURCE, "IcebergValidatorFixtureIT");

    static Path root;
    static Properties props = new Properties();
    static boolean present;

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("validator-real-job-iceberg").resolve("moved-data-root");
            present = SparkJobFixtures.present(SOURCE);
            Map<String, String> config = new HashMap<>();
            config.put("OUTPUT_FORMAT", "iceberg");
            if (!present) {
                Files.createDirectories(root);
                config.put("DATA_DIR", root.toString());
                return config;
            }
            SparkJobFixtures.copy(SOURCE, root);
            props = SparkJobFixtures.properties(root);
            config.putAll(SparkJobFixtures.settings(props));
            config.put("DATA_DIR", root.toString());
            // Freshness is the one check on the wall clock: measure it from the moment the fixture was written.
            Duration age = Duration.between(Instant.parse(props.getProperty("written_at")), Instant.now());
            config.put("validator.freshness.warn-lag", age.plusMinutes(20).toString());
            config.put("validator.freshness.fail-lag", age.plusHours(1).toString());
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
    }
}
