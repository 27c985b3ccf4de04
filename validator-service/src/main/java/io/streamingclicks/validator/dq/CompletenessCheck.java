package io.streamingclicks.validator.dq;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.streamingclicks.validator.db.Workspace;

/**
 * Every sealed window (the smaller of the uv and pv queries' watermarks has passed its end) that counted events has
 * its uv row and a pv row for each page it counted. Windows whose every event was late have no output, rightly.
 */
@ApplicationScoped
public class CompletenessCheck implements Check {

    @Override
    public List<CheckResult> run(Workspace ws) throws Exception {
        Map<String, Object> r = ws.row("dq_completeness");
        long missingUv = DuplicateKeysCheck.n(r, "missing_uv");
        long missingPv = DuplicateKeysCheck.n(r, "missing_pv");
        Long sealed = ws.snapshot().sealedMs();
        if (sealed == null || DuplicateKeysCheck.n(r, "sealed_windows") == 0) {
            return List.of(CheckResult.notApplicable("completeness", sealed == null
                    ? "no sealed window yet (no committed uv and pv batches)"
                    : "no sealed window with counted events yet (or the events sink has not caught up)"));
        }
        Object first = r.get("first_missing");
        String detail = missingUv + " sealed windows without uv row, " + missingPv + " (window, page) without pv row, of "
                + r.get("sealed_windows") + " sealed windows up to " + Instant.ofEpochMilli(sealed)
                + (first == null ? "" : "; first window missing uv: " + first);
        return List.of(CheckResult.zero("completeness", missingUv + missingPv, detail));
    }
}
