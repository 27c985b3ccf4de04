package io.streamingclicks.validator.dq;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.validator.db.Workspace;

/**
 * The job's {@code parquet/topn} against the Top-N computed from committed pv: reads topn through its own
 * {@code _spark_metadata} like every other output (the {@code topn} view of queries.sql; never a file the log does
 * not name) and counts the windows, present in both, whose ranking (rank, page_id, pv for rank ≤ the sink's N; ties
 * by page_id) differs or appears twice.
 */
@ApplicationScoped
public class TopNAgreementCheck implements Check {

    static final String NAME = "topn_vs_pv";

    @Override
    public List<CheckResult> run(Workspace ws) throws Exception {
        int files = ws.snapshot().files().get(Sink.TOPN) == null ? 0
                : ws.snapshot().files().get(Sink.TOPN).files().size();
        if (files == 0) {
            return List.of(CheckResult.zero(NAME, 0, "no committed topn file yet"));
        }
        Map<String, Object> r = ws.row("dq_topn_vs_pv");
        long bad = DuplicateKeysCheck.n(r, "bad");
        return List.of(CheckResult.zero(NAME, bad, bad + " of " + r.get("windows")
                + " windows in both topn and pv disagree with the Top-" + r.get("n") + " of pv (" + files
                + " committed topn files)"));
    }
}
