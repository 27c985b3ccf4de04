package io.streamingclicks.validator.dq;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.contract.UvPrecision;
import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.db.Workspace;
import io.streamingclicks.validator.uv.UvBuckets;
import io.streamingclicks.validator.uv.UvBucket;
import io.streamingclicks.validator.uv.UvReads;

/**
 * The union of each UTC hour's window sketches (what {@code /api/uv?grain=hour} answers) against the exact distinct
 * users of the events the windows query counted in that hour, in units of the union's relative sigma
 * ({@link UvPrecision#sigma}, lgK from UV_RSD): warn beyond 3, fail beyond 5, as {@code hll_vs_exact}. Both sides
 * cover the sealed windows only, so an hour still being sealed is compared on its sealed windows so far. An hour
 * with a uv row without a sketch (a job older than the sketches) cannot be merged and is skipped, and said so.
 */
@ApplicationScoped
public class HourlyHllCheck implements Check {

    static final String NAME = "hll_vs_exact_hourly";

    @Inject
    ValidatorSettings settings;

    @Inject
    UvBuckets unions;

    @Override
    public List<CheckResult> run(Workspace ws) throws Exception {
        int lgK = UvPrecision.lgK(settings.uvRsd());
        double sigma = UvPrecision.sigma(lgK);
        Duration hour = Duration.ofHours(1);
        Map<Instant, Long> exact = UvReads.exact(ws, null, null, hour);
        List<UvBucket> hours = unionsOf(ws, exact.keySet(), lgK);
        int compared = 0;
        int complete = 0;
        int skipped = 0;
        double worst = 0;
        String worstText = null;
        for (UvBucket b : hours) {
            long e = exact.getOrDefault(b.start(), 0L);
            if (b.windowsWithoutSketch() > 0 || b.estimate() == null) {
                skipped++;
                continue;
            }
            if (e == 0) {
                continue;
            }
            compared++;
            complete += b.complete() ? 1 : 0;
            double sigmas = Math.abs(b.estimate() - e) / (double) e / sigma;
            if (worstText == null || sigmas > worst) {
                worst = sigmas;
                worstText = b.start() + " union " + b.estimate() + " of " + b.windows() + " windows vs exact " + e
                        + " (" + String.format("%.2f", sigmas) + " sigma)";
            }
        }
        String skippedText = skipped == 0 ? "" : "; " + skipped + " hours with uv rows without a sketch skipped";
        if (compared == 0) {
            return List.of(CheckResult.notApplicable(NAME, "no sealed hour with window sketches and counted events"
                    + " yet" + skippedText));
        }
        String detail = "worst of " + compared + " hours (" + complete + " complete, sigma " + String.format("%.4f",
                sigma) + " at lgK " + lgK + "): " + worstText + skippedText;
        return List.of(CheckResult.graded(NAME, worst, HllAccuracyCheck.WARN_SIGMAS, HllAccuracyCheck.FAIL_SIGMAS,
                detail));
    }

    /**
     * The hourly unions of the hours with counted events, through the same {@link UvBuckets} as the API (an hour
     * merged once is not read again until a batch adds to it), merged as the rows are read, never every sketch's bytes
     * held at once. The uv files narrowed for that are put back: the other checks share the workspace.
     */
    private List<UvBucket> unionsOf(Workspace ws, Collection<Instant> hours, int lgK) throws SQLException {
        if (hours.isEmpty()) {
            return List.of();
        }
        Instant from = Collections.min(hours);
        Instant to = Collections.max(hours).plus(Duration.ofHours(1));
        try {
            return unions.buckets(ws, Duration.ofHours(1), from, to, lgK, ws.snapshot().sealedMs());
        } finally {
            ws.narrow(Sink.UV, ws.files().all(Sink.UV));
        }
    }
}
