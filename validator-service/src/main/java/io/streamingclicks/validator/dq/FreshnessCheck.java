package io.streamingclicks.validator.dq;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.streamingclicks.validator.db.Workspace;

/**
 * Freshness: how far the sealed watermark (the smaller of the uv and pv queries') lags the wall clock, in seconds.
 * This is the one place the wall clock is used: to ask whether the pipeline keeps up, never to decide sealing.
 */
@ApplicationScoped
public class FreshnessCheck implements Check {

    @ConfigProperty(name = "validator.freshness.warn-lag", defaultValue = "PT20M")
    Duration warn;

    @ConfigProperty(name = "validator.freshness.fail-lag", defaultValue = "PT1H")
    Duration fail;

    @Override
    public List<CheckResult> run(Workspace ws) throws Exception {
        Long sealed = ws.snapshot().sealedMs();
        if (sealed == null || sealed == 0) { // 0: Spark's watermark before the first event
            return List.of(new CheckResult("freshness", Status.WARN, null, (double) warn.toSeconds(),
                    (double) fail.toSeconds(), "no committed uv and pv batch yet: no watermark", Instant.now()));
        }
        long lag = Duration.between(Instant.ofEpochMilli(sealed), Instant.now()).toSeconds();
        return List.of(CheckResult.graded("freshness", lag, (double) warn.toSeconds(), (double) fail.toSeconds(),
                "sealed watermark " + Instant.ofEpochMilli(sealed) + " lags the wall clock by " + lag + " s"));
    }
}
