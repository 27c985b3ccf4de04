package io.streamingclicks.validator.dq;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.db.Workspace;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The job's optional {@code parquet/topn} against the Top-N computed from committed pv: reads topn through its own
 * commit protocol (only {@code batch_id=<id>} directories, never a {@code _tmp-} one) and counts the windows, present
 * in both, whose ranking (rank, page_id, pv for rank ≤ the sink's N; ties by page_id) differs or appears twice.
 */
@ApplicationScoped
public class TopNAgreementCheck implements Check {

    static final String NAME = "topn_vs_pv";

    @Inject
    ValidatorSettings settings;

    @Override
    public List<CheckResult> run(Workspace ws) throws Exception {
        List<Path> files = committedFiles(settings.output(DataRoot.Sink.TOPN));
        if (files.isEmpty()) {
            return List.of(CheckResult.zero(NAME, 0, "no committed parquet/topn batch (the job's --topn is off)"));
        }
        String list = files.stream().map(p -> "'" + p.toString().replace("'", "''") + "'")
                .collect(Collectors.joining(", ", "[", "]"));
        // The file list comes from our own directory listing, quoted; DuckDB's read_parquet takes no bound list.
        String sql = "WITH t AS (SELECT window_start, CAST(rank AS BIGINT) AS rank, page_id, pv FROM read_parquet("
                + list + ", hive_partitioning = false)),\n"
                + "n AS (SELECT max(rank) AS n FROM t),\n"
                + "w AS (SELECT DISTINCT window_start FROM t WHERE window_start IN (SELECT window_start FROM pv)),\n"
                + "expected AS (SELECT window_start, rank, page_id, pv FROM (SELECT window_start, page_id, pv,"
                + " row_number() OVER (PARTITION BY window_start ORDER BY pv DESC, page_id) AS rank FROM pv"
                + " WHERE window_start IN (SELECT window_start FROM w)) WHERE rank <= (SELECT n FROM n)),\n"
                + "actual AS (SELECT * FROM t WHERE window_start IN (SELECT window_start FROM w)),\n"
                + "diff AS ((SELECT * FROM expected EXCEPT ALL SELECT * FROM actual)"
                + " UNION ALL (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected))\n"
                + "SELECT (SELECT count(DISTINCT window_start) FROM diff) AS bad, (SELECT count(*) FROM w) AS windows,"
                + " (SELECT n FROM n) AS n";
        try (Statement s = ws.connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            long bad = rs.getLong("bad");
            return List.of(CheckResult.zero(NAME, bad, bad + " of " + rs.getLong("windows")
                    + " windows in both topn and pv disagree with the Top-" + rs.getLong("n") + " of pv ("
                    + files.size() + " committed topn files)"));
        }
    }

    /** The Parquet files under committed {@code batch_id=*} directories only. */
    static List<Path> committedFiles(Path topn) throws IOException {
        if (!Files.isDirectory(topn)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(topn)) {
            List<Path> batches = dirs.filter(d -> d.getFileName().toString().startsWith("batch_id=")
                    && Files.isDirectory(d)).sorted().toList();
            List<Path> out = new java.util.ArrayList<>();
            for (Path b : batches) {
                try (Stream<Path> w = Files.walk(b)) {
                    w.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().forEach(out::add);
                }
            }
            return out;
        }
    }
}
