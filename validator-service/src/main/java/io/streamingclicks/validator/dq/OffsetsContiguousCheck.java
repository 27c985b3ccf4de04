package io.streamingclicks.validator.dq;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.streamingclicks.validator.db.Workspace;

/**
 * DESIGN.md link 2, Kafka to events (exact): per partition the offsets of committed events and quarantine together
 * run from the first one read to the committed end, with no gap and no repeat. Also fails when a file the
 * {@code _spark_metadata} log names is missing on disk.
 */
@ApplicationScoped
public class OffsetsContiguousCheck implements Check {

    @Override
    public List<CheckResult> run(Workspace ws) throws Exception {
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
        long missingFiles = ws.snapshot().files().values().stream().mapToLong(f -> f.missing().size()).sum();
        return List.of(
                CheckResult.zero("reconciliation_kafka_events", gaps + repeats,
                        detail.isEmpty() ? "no Kafka offsets in committed output yet" : detail.toString()),
                CheckResult.zero("committed_files_present", missingFiles, missingFiles
                        + " files named by _spark_metadata are missing on disk"));
    }
}
