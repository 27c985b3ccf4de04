package io.streamingclicks.validator.web;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.streamingclicks.validator.dq.CheckHistory;

/** The latest result of each data-quality check and their history, from {@code validator.duckdb}. */
@Path("/api/dq")
@Produces(MediaType.APPLICATION_JSON)
public class DqResource {

    @Inject
    CheckHistory history;

    @GET
    @Operation(summary = "Latest result per check and the last `history` results of each")
    public Map<String, Object> dq(@QueryParam("history") String n, @QueryParam("check") String check)
            throws Exception {
        int limit = Params.integer("history", n, 20, 1, 1000);
        String name = Params.checkName("check", check);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("latest", history.latest());
        out.put("history", history.history(name, limit));
        return out;
    }
}
