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
 * Copies the data root the real Spark job wrote (fixture {@code real-job}, made by spark-job's
 * {@code ValidatorFixtureIT}; see {@link SparkJobFixtures}) to a temp dir at another absolute path, so every
 * {@code _spark_metadata} path must be rebased, and points the service at it with the window, watermark and rsd the
 * job ran with.
 */
public class RealJobFixture implements QuarkusTestResourceLifecycleManager {

    static final Path SOURCE = SparkJobFixtures.of("real-job");
    static final String MISSING = SparkJobFixtures.missing(SOURCE, "ValidatorFixtureIT");

    static Path root;
    static Properties props = new Properties();
    static boolean present;

    @Override
    public Map<String, String> start() {
        try {
            SparkJobFixtures.Moved moved = SparkJobFixtures.moveForService(SOURCE, "validator-real-job");
            root = moved.root();
            present = moved.present();
            props = moved.props();
            Map<String, String> config = new HashMap<>(moved.config());
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
    }
}
