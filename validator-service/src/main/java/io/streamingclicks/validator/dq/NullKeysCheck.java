package io.streamingclicks.validator.dq;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.streamingclicks.validator.db.Workspace;

/** Rows of uv, pv and events with a null key column: none allowed. */
@ApplicationScoped
public class NullKeysCheck implements Check {

    @Override
    public List<CheckResult> run(Workspace ws) throws Exception {
        List<CheckResult> out = new ArrayList<>();
        for (String sink : List.of("uv", "pv", "events")) {
            Map<String, Object> r = ws.row("dq_nulls_" + sink);
            long bad = ((Number) r.get("bad")).longValue();
            out.add(CheckResult.zero("nulls_" + sink, bad, bad + " of " + r.get("total") + " " + sink
                    + " rows have a null key column"));
        }
        return out;
    }
}
