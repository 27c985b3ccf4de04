package io.streamingclicks.producer.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamingclicks.contract.ClickTruth;
import io.streamingclicks.producer.generate.Generator;
import io.streamingclicks.producer.generate.GeneratorSettings;
import io.streamingclicks.producer.generate.PropensityStream;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The continuous generator: its state, start, stop and retune ({@code PUT /generator} with any subset of fields). */
@Path("/generator")
@Produces(MediaType.APPLICATION_JSON)
public class GeneratorResource {

    static final Set<String> FIELDS = Set.of("rate", "users", "pages", "skew", "lateFraction", "lateOffset",
            "actions", "meanViewMs");
    private static final Pattern ACTION_NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");

    @Inject
    Generator generator;

    @GET
    @Operation(summary = "Whether the generator runs, and its settings")
    public Map<String, Object> state() {
        GeneratorSettings s = generator.settings();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("running", generator.running());
        m.put("rate", s.rate());
        m.put("users", s.users());
        m.put("pages", s.pages());
        m.put("skew", s.skew());
        m.put("lateFraction", s.lateFraction());
        m.put("lateOffset", io.streamingclicks.producer.burst.BurstService.text(s.lateOffset()));
        m.put("actions", s.actions());
        m.put("meanViewMs", s.meanViewMs());
        m.put("clickModel", generator.truth().model().text());
        return m;
    }

    @POST
    @Path("/start")
    @Operation(summary = "Start the continuous stream")
    public Map<String, Object> start() {
        generator.start();
        return state();
    }

    @POST
    @Path("/stop")
    @Operation(summary = "Stop the continuous stream (bursts still work)")
    public Map<String, Object> stop() {
        generator.stop();
        return state();
    }

    @PUT
    @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.WILDCARD})
    @Operation(summary = "Retune: any of rate (0..1000000 events/s), users (1..10000000), pages (1..100000),"
            + " skew (0..5), lateFraction (0..1), lateOffset (-PT24H..PT0S), actions ({name: weight}),"
            + " meanViewMs (0..3600000)")
    public Map<String, Object> retune(String body) {
        Fields f = Fields.of(body, FIELDS);
        GeneratorSettings s = generator.settings();
        Double rate = f.number("rate", 0, 1_000_000);
        Long users = f.integer("users", 1, 10_000_000, false);
        Long pages = f.integer("pages", 1, 100_000, false);
        Double skew = f.number("skew", 0, 5);
        Double lateFraction = f.number("lateFraction", 0, 1);
        Duration lateOffset = f.duration("lateOffset", Duration.ofHours(-24), Duration.ZERO);
        Long meanViewMs = f.integer("meanViewMs", 0, 3_600_000, false);
        Map<String, Double> actions = f.has("actions") ? actions(f.raw("actions")) : s.actions();
        generator.apply(new GeneratorSettings(
                rate != null ? rate : s.rate(),
                users != null ? users.intValue() : s.users(),
                pages != null ? pages.intValue() : s.pages(),
                skew != null ? skew : s.skew(),
                lateFraction != null ? lateFraction : s.lateFraction(),
                lateOffset != null ? lateOffset : s.lateOffset(),
                actions,
                meanViewMs != null ? meanViewMs : s.meanViewMs()));
        return state();
    }

    private Map<String, Double> actions(JsonNode n) {
        String allowed = "an object of 1..20 action names ([a-z][a-z0-9_]*) to weights >= 0, summing to > 0";
        if (!n.isObject() || n.isEmpty() || n.size() > 20) {
            throw new BadRequest("actions", allowed, "'actions' must be " + allowed + ", got " + n);
        }
        Map<String, Double> m = new LinkedHashMap<>();
        double sum = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!ACTION_NAME.matcher(e.getKey()).matches() || !e.getValue().isNumber()
                    || !(e.getValue().asDouble() >= 0) || Double.isInfinite(e.getValue().asDouble())) {
                throw new BadRequest("actions." + e.getKey(), allowed, "bad action weight " + e.getKey() + "="
                        + e.getValue());
            }
            m.put(e.getKey(), e.getValue().asDouble());
            sum += e.getValue().asDouble();
        }
        if (!(sum > 0)) {
            throw new BadRequest("actions", allowed, "'actions' weights sum to 0");
        }
        if (generator.truth().model() == ClickTruth.Model.PROPENSITY) {
            try {
                PropensityStream.primaryActions(m);
            } catch (IllegalArgumentException e) {
                throw new BadRequest("actions", allowed + ", one besides click (PRODUCER_CLICK_MODEL=propensity)",
                        e.getMessage());
            }
        }
        return m;
    }
}
