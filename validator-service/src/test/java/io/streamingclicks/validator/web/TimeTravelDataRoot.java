package io.streamingclicks.validator.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.validator.fixture.PvCommits;
import io.streamingclicks.validator.fixture.TestWarehouse;

/**
 * A data root with an Iceberg pv table and nothing else, which the test appends to while the service runs
 * ({@code OUTPUT_FORMAT=iceberg}) through {@link PvCommits}: each commit a snapshot with its own Top-N.
 */
public class TimeTravelDataRoot implements QuarkusTestResourceLifecycleManager {

    static Path root;

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("validator-time-travel").resolve("data");
            try (TestWarehouse w = new TestWarehouse(root)) {
                w.create(Sink.PV);
            }
            return Map.of("DATA_DIR", root.toString(), "OUTPUT_FORMAT", "iceberg");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
    }

    static long appendWindow(Instant windowStart, Map<String, Long> pv) throws Exception {
        return PvCommits.appendWindow(root, windowStart, pv);
    }

    static void expire(long id) throws Exception {
        PvCommits.expire(root, id);
    }
}
