package io.streamingclicks.validator.dq;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.streamingclicks.validator.db.Workspace;

/**
 * docs/accounting.md, link 3, events to pv (exact): per sealed window, the pv total equals the events the windows
 * query counted: those whose events parquet file {@code chk/windows/sources/0} lists at or below the {@code logOffset}
 * of batch j-1 (j: the first batch whose late-row filter watermark reaches the window's end), or on the Iceberg format
 * those of ingest batches up to the high-water of batch j-1's snapshot; the others, and events nothing read, were
 * dropped as late and are reported, not failed. The same on both sources and both formats ({@code pv_accounted}).
 */
@ApplicationScoped
public class EventsToPvCheck implements Check {

    @Override
    public List<CheckResult> run(Workspace ws) throws Exception {
        long mismatched = 0;
        long late = 0;
        long windows = 0;
        StringBuilder first = new StringBuilder();
        for (Map<String, Object> r : ws.rows("pv_accounting")) {
            windows++;
            long expected = DuplicateKeysCheck.n(r, "expected_pv");
            long pv = DuplicateKeysCheck.n(r, "pv");
            late += DuplicateKeysCheck.n(r, "late_events");
            if (expected != pv) {
                if (mismatched++ < 3) {
                    first.append("; ").append(r.get("window_start")).append(": pv ").append(pv).append(" but ")
                            .append(expected).append(" events counted");
                }
            }
        }
        if (windows == 0) {
            return List.of(CheckResult.notApplicable("reconciliation_events_pv", "no sealed window with committed"
                    + " events yet"));
        }
        return List.of(CheckResult.zero("reconciliation_events_pv", mismatched, mismatched + " of " + windows
                + " sealed windows disagree; " + late + " events dropped as late" + first));
    }
}
