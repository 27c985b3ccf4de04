package io.streamingclicks.validator.dq;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.streamingclicks.validator.db.Workspace;
import io.streamingclicks.validator.pipeline.OutputSnapshot;

/**
 * docs/accounting.md, link 2, Kafka to events (exact): per partition the offsets of committed events and quarantine together
 * run from the first one read to the committed end, with no gap and no repeat. Also reports
 * {@link CommittedFilesPresent}: a file the {@code _spark_metadata} log (or an Iceberg manifest) names missing on disk.
 */
@ApplicationScoped
public class OffsetsContiguousCheck implements Check {

    static final String NAME = "reconciliation_kafka_events";

    @Override
    public List<CheckResult> run(Workspace ws) throws Exception {
        CheckResult files = CommittedFilesPresent.of(ws.snapshot());
        OutputSnapshot.Source source = ws.snapshot().source();
        if (source != OutputSnapshot.Source.KAFKA) {
            return List.of(CheckResult.notApplicable(NAME, source == OutputSnapshot.Source.FILES
                    ? "the output comes from the file source (chk/ingest/offsets hold a logOffset, not Kafka offsets);"
                    + " see " + LandingLinesCheck.NAME
                    : "no committed batch in chk/ingest yet"), files);
        }
        long gaps = 0;
        long repeats = 0;
        StringBuilder detail = new StringBuilder();
        for (Map<String, Object> p : ws.rows("dq_offsets")) {
            long g = DuplicateKeysCheck.n(p, "gaps");
            long r = DuplicateKeysCheck.n(p, "repeats");
            gaps += g;
            repeats += r;
            detail.append(detail.isEmpty() ? "" : "; ").append("partition ").append(p.get("kafka_partition"))
                    .append(" [").append(p.get("first_offset")).append(", ").append(p.get("end_offset"))
                    .append("): ").append(g).append(" missing, ").append(r).append(" repeated");
        }
        if (detail.isEmpty()) {
            return List.of(CheckResult.notApplicable(NAME, "no Kafka offsets in committed events or quarantine yet"),
                    files);
        }
        return List.of(CheckResult.zero(NAME, gaps + repeats, detail.toString()), files);
    }
}
