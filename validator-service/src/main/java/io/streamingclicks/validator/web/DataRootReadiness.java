package io.streamingclicks.validator.web;

import java.nio.file.Files;

import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.db.Workspace;
import io.streamingclicks.validator.db.Workspaces;

/** Ready once the data root exists and a snapshot of committed output opens in DuckDB. */
@Readiness
public class DataRootReadiness implements HealthCheck {

    @Inject
    ValidatorSettings settings;

    @Inject
    Workspaces workspaces;

    @Override
    public HealthCheckResponse call() {
        var b = HealthCheckResponse.named("data-root").withData("DATA_DIR", settings.dataDir().toString())
                .withData("OUTPUT_FORMAT", settings.outputFormat().id());
        if (!Files.isDirectory(settings.dataDir())) {
            return b.down().withData("error", "not a directory").build();
        }
        try (Workspace ws = workspaces.open()) {
            return b.up().build();
        } catch (Exception e) {
            return b.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
