package io.streamingclicks.validator.dq;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.streamingclicks.validator.db.Workspace;
import io.streamingclicks.validator.pipeline.OutputSnapshot;

/**
 * docs/accounting.md, link 2 on the file source's output, keyed by (landing file, line) instead of (partition, offset): every
 * line of every landing file that the ingest query's checkpoint says it read and committed
 * ({@code chk/ingest/sources/0} up to the committed {@code logOffset}) appears exactly once in committed events or
 * quarantine, each file's lines counted on disk. Fails naming the file and line of a missing or repeated row, and a
 * read file gone from the landing directory.
 */
@ApplicationScoped
public class LandingLinesCheck implements Check {

    static final String NAME = "reconciliation_landing_events";

    @Override
    public List<CheckResult> run(Workspace ws) throws Exception {
        OutputSnapshot.Source source = ws.snapshot().source();
        if (source != OutputSnapshot.Source.FILES) {
            return List.of(CheckResult.notApplicable(NAME, source == OutputSnapshot.Source.KAFKA
                    ? "the output comes from Kafka (chk/ingest/offsets hold Kafka offsets); see "
                    + OffsetsContiguousCheck.NAME
                    : "no committed batch in chk/ingest yet"));
        }
        Map<String, Object> r = ws.row("dq_landing_lines");
        long files = DuplicateKeysCheck.n(r, "files");
        long missing = DuplicateKeysCheck.n(r, "missing");
        long repeated = DuplicateKeysCheck.n(r, "repeated");
        long gone = DuplicateKeysCheck.n(r, "files_gone");
        if (files == 0) {
            return List.of(CheckResult.notApplicable(NAME, "no landing file committed by the ingest query yet ("
                    + r.get("pending_files") + " pending)"));
        }
        StringBuilder detail = new StringBuilder().append(files).append(" files, ").append(r.get("lines"))
                .append(" lines read and committed: ").append(missing).append(" lines missing, ").append(repeated)
                .append(" rows repeated, ").append(gone).append(" files gone from landing/; ")
                .append(r.get("pending_files")).append(" files pending");
        if (missing + repeated + gone > 0) {
            detail.append("; e.g.");
            for (Map<String, Object> p : ws.rows("landing_line_problems")) {
                detail.append(' ').append(p.get("source_file"))
                        .append(p.get("line") == null ? "" : ":" + p.get("line")).append(' ').append(p.get("problem"))
                        .append(DuplicateKeysCheck.n(p, "n") > 1 ? " x" + p.get("n") : "").append(',');
            }
            detail.setLength(detail.length() - 1);
        }
        return List.of(CheckResult.zero(NAME, missing + repeated + gone, detail.toString()));
    }
}
