package io.streamingclicks.validator.web;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.db.Workspace;
import io.streamingclicks.validator.db.Workspaces;

/** UV per sealed window, HLL against exact over the counted events (queries.sql "uv_sanity"). */
@Path("/api/uv")
@Produces(MediaType.APPLICATION_JSON)
public class UvResource {

    static final Duration MAX_RANGE = Duration.ofDays(31);

    @Inject
    Workspaces workspaces;

    @Inject
    ValidatorSettings settings;

    @GET
    @Operation(summary = "HLL uv vs exact distinct users per sealed window in [from, to)")
    public Map<String, Object> uv(@QueryParam("from") String from, @QueryParam("to") String to) throws Exception {
        Instant f = Params.instant("from", from);
        Instant t = Params.instant("to", to);
        Params.ordered("from", f, "to", t);
        if (f != null && t != null && Duration.between(f, t).compareTo(MAX_RANGE) > 0) {
            throw new BadParameter("to", "at most 31 days after from", to);
        }
        try (Workspace ws = workspaces.open()) {
            Map<String, Object> vars = new LinkedHashMap<>();
            vars.put("from_ts", Sql.ts(f));
            vars.put("to_ts", Sql.ts(t));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("rsd", settings.uvRsd());
            out.put("windows", ws.rows("uv_sanity", vars));
            return out;
        }
    }
}
