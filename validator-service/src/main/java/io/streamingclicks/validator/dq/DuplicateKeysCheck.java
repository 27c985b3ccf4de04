package io.streamingclicks.validator.dq;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.streamingclicks.validator.db.Workspace;

/**
 * One row per key in committed output: {@code window_start} in uv, {@code (window_start, page_id)} in pv, and each
 * non-null {@code event_id} once in events.
 */
@ApplicationScoped
public class DuplicateKeysCheck implements Check {

    @Override
    public List<CheckResult> run(Workspace ws) throws Exception {
        Map<String, Object> uv = ws.row("dq_duplicates_uv");
        Map<String, Object> pv = ws.row("dq_duplicates_pv");
        Map<String, Object> ev = ws.row("dq_event_id_unique");
        return List.of(
                CheckResult.zero("duplicates_uv", n(uv, "bad"), n(uv, "bad") + " extra uv rows over "
                        + n(uv, "keys") + " windows"),
                CheckResult.zero("duplicates_pv", n(pv, "bad"), n(pv, "bad") + " extra pv rows over "
                        + n(pv, "keys") + " (window, page) keys"),
                CheckResult.zero("event_id_unique", n(ev, "bad"), n(ev, "bad") + " repeated event_id over "
                        + n(ev, "ids") + " ids (events without an id are external and not counted)"));
    }

    static long n(Map<String, Object> row, String col) {
        Object v = row.get(col);
        return v == null ? 0 : ((Number) v).longValue();
    }
}
