package io.streamingclicks.validator.dq;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.streamingclicks.validator.db.Workspace;

/** Share of Kafka records the job quarantined, with the reasons. */
@ApplicationScoped
public class QuarantineRateCheck implements Check {

    @ConfigProperty(name = "validator.quarantine.warn-rate", defaultValue = "0.01")
    double warn;

    @ConfigProperty(name = "validator.quarantine.fail-rate", defaultValue = "0.05")
    double fail;

    @Override
    public List<CheckResult> run(Workspace ws) throws Exception {
        Map<String, Object> r = ws.row("dq_quarantine_rate");
        long q = DuplicateKeysCheck.n(r, "quarantined");
        long e = DuplicateKeysCheck.n(r, "events");
        double rate = q + e == 0 ? 0 : (double) q / (q + e);
        StringBuilder reasons = new StringBuilder();
        for (Map<String, Object> row : ws.rows("dq_quarantine_reasons")) {
            reasons.append(reasons.isEmpty() ? " (" : ", ").append(row.get("reason")).append(": ").append(row.get("n"));
        }
        if (!reasons.isEmpty()) {
            reasons.append(')');
        }
        return List.of(CheckResult.graded("quarantine_rate", rate, warn, fail,
                q + " of " + (q + e) + " records quarantined" + reasons));
    }
}
