package io.streamingclicks.producer.api;

import io.streamingclicks.producer.clock.EventClock;
import io.streamingclicks.producer.generate.Generator;
import io.streamingclicks.producer.send.Sender;
import io.streamingclicks.producer.stats.Stats;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** {@code GET /stats}: totals by outcome, late counts, bursts, rates and where the event clock stands. */
@Path("/stats")
@Produces(MediaType.APPLICATION_JSON)
public class StatsResource {

    @Inject
    Stats stats;
    @Inject
    Generator generator;
    @Inject
    EventClock clock;
    @Inject
    Sender sender;

    @GET
    @Operation(summary = "Totals sent / acknowledged / in doubt / failed, late counts, bursts, rates, event clock")
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        Instant wall = Instant.now();
        Instant event = clock.now();
        m.put("topic", sender.topic());
        m.put("running", generator.running());
        m.put("sent", stats.sent());
        m.put("acked", stats.acked());
        m.put("inDoubt", stats.inDoubt());
        m.put("failed", stats.failed());
        m.put("pending", stats.sent() - stats.acked() - stats.inDoubt() - stats.failed());
        m.put("lateSent", stats.lateSent());
        m.put("lateAcked", stats.lateAcked());
        m.put("bursts", stats.bursts());
        m.put("meanValueBytes", Math.round(stats.meanValueBytes() * 10) / 10.0);
        m.put("rateConfigured", generator.settings().rate());
        m.put("rateAcked", Math.round(stats.ackedRate() * 10) / 10.0);
        m.put("eventClock", event.toString());
        m.put("wallClock", wall.toString());
        m.put("eventClockLagMs", wall.toEpochMilli() - event.toEpochMilli());
        m.put("backfilling", !clock.caughtUp());
        m.put("clockSpeed", clock.speed());
        m.put("warnings", stats.warnings());
        return m;
    }
}
