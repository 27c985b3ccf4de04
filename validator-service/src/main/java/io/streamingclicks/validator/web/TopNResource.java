package io.streamingclicks.validator.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.validator.committed.IcebergTables;
import io.streamingclicks.validator.committed.SinkFiles;
import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.db.Workspace;
import io.streamingclicks.validator.db.Workspaces;

/**
 * Top-N pages of one sealed window, from committed pv (queries.sql "topn"); with {@code asOf} (Iceberg), from pv as
 * its table was at that instant ({@link PastPv}).
 */
@Path("/api/topn")
@Produces(MediaType.APPLICATION_JSON)
public class TopNResource {

    static final int MAX_N = 1000;

    @Inject
    Workspaces workspaces;

    @Inject
    ValidatorSettings settings;

    @Inject
    PastPv past;

    /** The partition directory of a window start, as the job writes uv and pv ({@code DataRoot.PARTITION_COLUMNS}). */
    static String partitionOf(Instant windowStart) {
        var t = windowStart.atZone(java.time.ZoneOffset.UTC);
        return DataRoot.PARTITION_COLUMNS.get(0) + "=" + t.toLocalDate() + "/" + DataRoot.PARTITION_COLUMNS.get(1) + "="
                + t.getHour();
    }

    @GET
    @Operation(summary = "Top-N pages by pv for one window (default: the latest sealed window)")
    public Map<String, Object> topn(
            @Parameter(description = "window start, ISO-8601 UTC, aligned to the window size")
            @QueryParam("window") String window,
            @Parameter(description = "how many pages, 1.." + MAX_N + ", default 10") @QueryParam("n") String n,
            @Parameter(description = "OUTPUT_FORMAT=iceberg only: answer from the pv table's snapshot current at this"
                    + " ISO-8601 UTC instant (default: the current snapshot)") @QueryParam("asOf") String asOf)
            throws Exception {
        Instant start = Params.windowStart("window", window, settings.window());
        int limit = Params.integer("n", n, 10, 1, MAX_N);
        Instant at = past.parse(asOf);
        // Planned before the lease: reading the table's metadata and manifests holds no read connection.
        SinkFiles then = at == null ? null : past.at(at);
        List<Map<String, Object>> pages = new ArrayList<>();
        SinkFiles read;
        // One lease: the default window and its pages come from the same snapshot.
        try (Workspace ws = workspaces.open()) {
            read = then != null ? then : ws.snapshot().files().get(Sink.PV);
            if (then != null) {
                // For this lease only (a pooled workspace puts both back): pv of that snapshot, and no sealed bound,
                // since the current checkpoint's says nothing of then and pv holds sealed windows only.
                ws.narrow(Sink.PV, names(then.files()));
                ws.set("sealed_ms", null);
            }
            if (start == null) {
                start = (Instant) ws.row("latest_sealed_window").get("window_start");
            }
            if (start != null) {
                // Only the window's time partition: same statement, one file instead of every committed file.
                if (then == null) {
                    ws.narrow(Sink.PV, partitionOf(start));
                } else {
                    String partition = partitionOf(start);
                    ws.narrow(Sink.PV, names(then.files().stream()
                            .filter(f -> partition.equals(then.partitionOf(f)) || then.partitionOf(f) == null)
                            .toList()));
                }
                Map<String, Object> vars = new LinkedHashMap<>();
                vars.put("window_ts", Sql.ts(start));
                vars.put("n", limit);
                int rank = 1;
                for (Map<String, Object> r : ws.rows("topn", vars)) {
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("rank", rank++);
                    p.put("page_id", r.get("page_id"));
                    p.put("pv", r.get("pv"));
                    pages.add(p);
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("window_start", start);
        out.put("window_end", start == null ? null : start.plus(settings.window()));
        out.put("n", limit);
        out.put("snapshot", snapshot(read, at));
        out.put("pages", pages);
        return out;
    }

    /** The pv snapshot the answer was read from (Iceberg); null on Parquet, which has none. */
    private static Map<String, Object> snapshot(SinkFiles pv, Instant asOf) {
        if (pv == null || pv.snapshotId() == null) {
            return null;
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("table", IcebergTables.name(Sink.PV));
        // As text: a snapshot id is a random 64-bit number, which a JavaScript number would round.
        s.put("id", Long.toString(pv.snapshotId()));
        s.put("committed_at", pv.committedAt());
        s.put("as_of", asOf);
        return s;
    }

    private static List<String> names(List<java.nio.file.Path> files) {
        return files.stream().map(java.nio.file.Path::toString).toList();
    }
}
