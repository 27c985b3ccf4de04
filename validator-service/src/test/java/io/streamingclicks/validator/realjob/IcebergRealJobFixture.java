package io.streamingclicks.validator.realjob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
            SparkJobFixtures.Moved moved = SparkJobFixtures.moveForService(SOURCE, "validator-real-job-iceberg");
            root = moved.root();
            present = moved.present();
            props = moved.props();
            Map<String, String> config = new HashMap<>(moved.config());
            config.put("OUTPUT_FORMAT", "iceberg");
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
    }
}
