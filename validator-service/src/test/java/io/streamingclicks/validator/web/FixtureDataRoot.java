package io.streamingclicks.validator.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.streamingclicks.validator.fixture.StackFixture;

/** Writes a healthy fixture data root before the application starts and points DATA_DIR at it. */
public class FixtureDataRoot implements QuarkusTestResourceLifecycleManager {

    static StackFixture fixture;

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("validator-it");
            fixture = new StackFixture(dir.resolve("data")).write();
            return Map.of("DATA_DIR", fixture.root().toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
    }
}
