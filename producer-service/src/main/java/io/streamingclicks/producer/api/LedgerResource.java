package io.streamingclicks.producer.api;

import io.streamingclicks.accounting.ledger.LedgerCodec;
import io.streamingclicks.accounting.ledger.LedgerCounts;
import io.streamingclicks.accounting.ledger.LedgerKey;
import io.streamingclicks.accounting.ledger.LedgerSummary;
import io.streamingclicks.producer.ledger.Ledger;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code GET /ledger?from=&to=&page_id=}: the ledger of every run, summed per (event-time second, page, lateness)
 * for seconds in {@code [from, to)}, with the highest acknowledged offset per partition and the totals.
 */
@Path("/ledger")
@Produces(MediaType.APPLICATION_JSON)
public class LedgerResource {

    @Inject
    Ledger ledger;

    @GET
    @Operation(summary = "Summed ledger counts per (second, page, lateness) in [from, to), ISO-8601 UTC instants")
    public Map<String, Object> ledger(@QueryParam("from") String from, @QueryParam("to") String to,
                                      @QueryParam("page_id") String page) {
        Instant f = instant("from", from);
        Instant t = instant("to", to);
        if (f != null && t != null && !t.isAfter(f)) {
            throw new BadRequest("to", "an instant after 'from' (" + f + ")", "'to' must be after 'from'");
        }
        LedgerSummary s = ledger.read(f, t, page);
        List<Map<String, Object>> rows = new ArrayList<>(s.counts().size());
        long acked = 0;
        long inDoubt = 0;
        long failed = 0;
        for (Map.Entry<LedgerKey, LedgerCounts> e : s.counts().entrySet()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put(LedgerCodec.SECOND, Instant.ofEpochSecond(e.getKey().second()).toString());
            row.put(LedgerCodec.PAGE_ID, e.getKey().pageId());
            row.put(LedgerCodec.LATENESS, LedgerCodec.lateness(e.getKey().late()));
            row.put(LedgerCodec.ACKED, e.getValue().acked());
            row.put(LedgerCodec.IN_DOUBT, e.getValue().inDoubt());
            row.put(LedgerCodec.FAILED, e.getValue().failed());
            rows.add(row);
            acked += e.getValue().acked();
            inDoubt += e.getValue().inDoubt();
            failed += e.getValue().failed();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", f == null ? null : f.toString());
        body.put("to", t == null ? null : t.toString());
        body.put("dir", ledger.dir().toString());
        body.put("totals", Map.of(LedgerCodec.ACKED, acked, LedgerCodec.IN_DOUBT, inDoubt,
                LedgerCodec.FAILED, failed));
        body.put("max_acked_offsets", s.maxAckedOffsets());
        body.put("counts", rows);
        return body;
    }

    private static Instant instant(String name, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new BadRequest(name, "an ISO-8601 UTC instant, e.g. 2026-11-21T22:50:00Z",
                    "'" + name + "' is not an instant: '" + text + "'");
        }
    }
}
