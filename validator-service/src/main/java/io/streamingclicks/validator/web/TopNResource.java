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
import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.db.Workspace;
import io.streamingclicks.validator.db.Workspaces;

/** Top-N pages of one sealed window, from committed pv (queries.sql "topn"). */
@Path("/api/topn")
@Produces(MediaType.APPLICATION_JSON)
public class TopNResource {

    static final int MAX_N = 1000;

    @Inject
    Workspaces workspaces;

    @Inject
    ValidatorSettings settings;

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
            @Parameter(description = "how many pages, 1.." + MAX_N + ", default 10") @QueryParam("n") String n)
            throws Exception {
        Instant start = Params.windowStart("window", window, settings.window());
        int limit = Params.integer("n", n, 10, 1, MAX_N);
        List<Map<String, Object>> pages = new ArrayList<>();
        // One lease: the default window and its pages come from the same snapshot.
        try (Workspace ws = workspaces.open()) {
            if (start == null) {
                start = (Instant) ws.row("latest_sealed_window").get("window_start");
            }
            if (start != null) {
                // Only the window's time partition: same statement, one file instead of every committed file.
                ws.narrow(Sink.PV, partitionOf(start));
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
        out.put("pages", pages);
        return out;
    }
}
