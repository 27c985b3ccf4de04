package io.streamingclicks.validator.realjob;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Copies the data root the real Spark job wrote ({@code spark-job/target/validator-fixture}, made by spark-job's
 * {@code ValidatorFixtureIT}) to a temp dir at another absolute path, so every {@code _spark_metadata} path must be
 * rebased, and points the service at it with the window, watermark and rsd the job ran with.
 */
public class RealJobFixture implements QuarkusTestResourceLifecycleManager {

    static final Path SOURCE = Path.of(System.getProperty("streamingclicks.validator.real-job-fixture",
            "../spark-job/target/validator-fixture")).toAbsolutePath().normalize();
    static final String MISSING = "no real-job fixture at " + SOURCE + ": build spark-job first (mvn install from the"
            + " root, or mvn -pl spark-job verify), its ValidatorFixtureIT writes it";

    static Path root;
    static Properties props = new Properties();
    static boolean present;

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("validator-real-job");
            root = dir.resolve("moved-data-root");
            present = Files.isRegularFile(SOURCE.resolve("fixture.properties"));
            Map<String, String> config = new HashMap<>();
            if (!present) {
                Files.createDirectories(root);
                config.put("DATA_DIR", root.toString());
                return config;
            }
            copyTree(SOURCE, root);
            try (InputStream in = Files.newInputStream(root.resolve("fixture.properties"))) {
                props.load(in);
            }
            config.put("DATA_DIR", root.toString());
            for (String k : new String[] {"WINDOW_DURATION", "WATERMARK_DELAY", "UV_RSD"}) {
                config.put(k, props.getProperty(k));
            }
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

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
