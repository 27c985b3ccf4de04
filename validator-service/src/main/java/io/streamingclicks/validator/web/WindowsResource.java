package io.streamingclicks.validator.web;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.streamingclicks.validator.db.Workspace;
import io.streamingclicks.validator.db.Workspaces;

/** Sealed windows with their uv and pv totals (queries.sql "windows"), the newest {@code limit}. */
@Path("/api/windows")
@Produces(MediaType.APPLICATION_JSON)
public class WindowsResource {

    @Inject
    Workspaces workspaces;

    @GET
    @Operation(summary = "Sealed windows with uv and pv totals, oldest first")
    public Map<String, Object> windows(@QueryParam("from") String from, @QueryParam("to") String to,
                                       @QueryParam("limit") String limit) throws Exception {
        Instant f = Params.instant("from", from);
        Instant t = Params.instant("to", to);
        Params.ordered("from", f, "to", t);
        int max = Params.integer("limit", limit, 288, 1, 100_000);
        try (Workspace ws = workspaces.open()) {
            List<Map<String, Object>> rows = ws.rows("windows").stream()
                    .filter(r -> f == null || !((Instant) r.get("window_start")).isBefore(f))
                    .filter(r -> t == null || ((Instant) r.get("window_start")).isBefore(t))
                    .toList();
            List<Map<String, Object>> last = rows.subList(Math.max(0, rows.size() - max), rows.size());
            Long sealed = ws.snapshot().sealedMs();
            return Map.of("sealed_watermark", sealed == null ? "" : Instant.ofEpochMilli(sealed).toString(),
                    "windows", last);
        }
    }
}
