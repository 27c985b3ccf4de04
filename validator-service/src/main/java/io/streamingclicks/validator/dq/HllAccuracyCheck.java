package io.streamingclicks.validator.dq;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.streamingclicks.validator.db.Workspace;

/**
 * Each sealed window's uv (the estimate of its HLL sketch) against {@code COUNT(DISTINCT user_id)} over the events
 * the window counted, in units of the sketch's sigma ({@code UvPrecision.sigma} of the lgK that UV_RSD gives): warn
 * beyond 3 sigma, fail beyond 5 (3 sigma alone fires by chance on most days over 288 windows).
 */
@ApplicationScoped
public class HllAccuracyCheck implements Check {

    static final double WARN_SIGMAS = 3.0;
    static final double FAIL_SIGMAS = 5.0;

    @Override
    public List<CheckResult> run(Workspace ws) throws Exception {
        double worst = 0;
        Object worstWindow = null;
        Map<String, Object> worstRow = null;
        int windows = 0;
        for (Map<String, Object> r : ws.rows("uv_sanity")) {
            Object s = r.get("sigmas");
            if (s == null) {
                continue;
            }
            windows++;
            double sigmas = ((Number) s).doubleValue();
            if (sigmas > worst || worstWindow == null) {
                worst = Math.max(worst, sigmas);
                worstWindow = r.get("window_start");
                worstRow = r;
            }
        }
        if (windows == 0) {
            return List.of(CheckResult.notApplicable("hll_vs_exact", "no sealed window with uv and counted events"
                    + " yet"));
        }
        String detail = "worst of " + windows + " windows: " + worstWindow + " hll " + worstRow.get("hll") + " vs exact "
                + worstRow.get("exact") + " (" + String.format("%.2f", worst) + " sigma)";
        return List.of(CheckResult.graded("hll_vs_exact", worst, WARN_SIGMAS, FAIL_SIGMAS, detail));
    }
}
