package io.streamingclicks.producer.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.common.annotation.Blocking;
import io.streamingclicks.producer.burst.BurstResult;
import io.streamingclicks.producer.burst.BurstService;
import io.streamingclicks.producer.burst.BurstSpec;
import io.streamingclicks.producer.config.ProducerSettings;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

/**
 * {@code POST /bursts}: a burst of events at event clock + offset. Answers 200 only once every event in it has been
 * answered by Kafka (acknowledged, in doubt or failed), so the caller's next step sees them on the topic.
 */
@Path("/bursts")
@Produces(MediaType.APPLICATION_JSON)
public class BurstResource {

    static final Set<String> FIELDS = Set.of("count", "offset", "pageId", "users");
    private static final int MAX_USERS_LISTED = 10_000;

    @Inject
    BurstService bursts;
    @Inject
    ProducerSettings settings;

    @POST
    @Blocking
    @Consumes({MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN, MediaType.WILDCARD})
    @Operation(summary = "Send a burst of late (or early) events and answer once all are acknowledged",
            description = "Body: {\"count\": 1..100000, \"offset\": \"-PT8M\" (-PT24H..PT10M, default"
                    + " PRODUCER_LATE_OFFSET), \"pageId\": optional, \"users\": optional list of ids or a count}")
    @RequestBody(content = @org.eclipse.microprofile.openapi.annotations.media.Content(
            mediaType = MediaType.APPLICATION_JSON,
            example = "{\"count\": 500, \"offset\": \"-PT8M\", \"pageId\": \"/home\", \"users\": 20}"))
    public BurstResult burst(String body) throws InterruptedException {
        return bursts.run(parse(body));
    }

    @GET
    @Operation(summary = "The last 100 bursts, newest first")
    public List<BurstResult> recent() {
        return bursts.recent();
    }

    BurstSpec parse(String body) {
        Fields f = Fields.of(body, FIELDS);
        int count = f.integer("count", 1, settings.maxBurst(), true).intValue();
        Duration offset = f.duration("offset", Duration.ofHours(-24), settings.maxFutureSkew());
        if (offset == null) {
            offset = settings.lateOffset();
        }
        String page = f.text("pageId", 256);
        List<String> users = null;
        Integer userCount = null;
        if (f.has("users")) {
            JsonNode u = f.raw("users");
            String allowed = "a list of 1.." + MAX_USERS_LISTED + " non-blank user ids, or an integer 1.."
                    + Integer.MAX_VALUE;
            if (u.isArray()) {
                if (u.isEmpty() || u.size() > MAX_USERS_LISTED) {
                    throw new BadRequest("users", allowed, "'users' lists " + u.size() + " ids");
                }
                users = new ArrayList<>();
                for (JsonNode id : u) {
                    if (!id.isTextual() && !id.isIntegralNumber() || id.asText().isBlank()
                            || id.asText().length() > 128) {
                        throw new BadRequest("users", allowed, "'users' holds a bad id: " + id);
                    }
                    users.add(id.asText());
                }
            } else {
                userCount = f.integer("users", 1, Integer.MAX_VALUE, true).intValue();
            }
        }
        return new BurstSpec(count, offset, page, users, userCount);
    }
}
