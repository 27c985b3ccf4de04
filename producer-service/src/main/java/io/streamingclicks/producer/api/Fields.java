package io.streamingclicks.producer.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamingclicks.contract.Durations;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * Strict reading of a JSON request body: only known fields, numbers that are numbers and in range, durations that
 * parse and lie in range. Every refusal names the field and what is allowed.
 */
final class Fields {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final ObjectNode node;

    private Fields(ObjectNode node) {
        this.node = node;
    }

    /** Parses the body as one JSON object whose fields are all in {@code known}. */
    static Fields of(String body, Set<String> known) {
        if (body == null || body.isBlank()) {
            throw new BadRequest("body", "a JSON object with fields " + new TreeSet<>(known), "the body is empty");
        }
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequest("body", "a JSON object with fields " + new TreeSet<>(known),
                    "the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new BadRequest("body", "a JSON object with fields " + new TreeSet<>(known),
                    "the body must be a JSON object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new BadRequest(name, "one of " + new TreeSet<>(known), "unknown field '" + name + "'");
            }
        }
        return new Fields((ObjectNode) n);
    }

    boolean has(String name) {
        return node.has(name) && !node.get(name).isNull();
    }

    JsonNode raw(String name) {
        return node.get(name);
    }

    Long integer(String name, long min, long max, boolean required) {
        String allowed = "an integer in " + min + ".." + max;
        if (!has(name)) {
            if (required) {
                throw new BadRequest(name, allowed, "'" + name + "' is required");
            }
            return null;
        }
        JsonNode v = node.get(name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new BadRequest(name, allowed, "'" + name + "' must be an integer, got " + v);
        }
        long l = v.asLong();
        if (l < min || l > max) {
            throw new BadRequest(name, allowed, "'" + name + "' is out of range: " + l);
        }
        return l;
    }

    Double number(String name, double min, double max) {
        String allowed = "a number in " + min + ".." + max;
        if (!has(name)) {
            return null;
        }
        JsonNode v = node.get(name);
        if (!v.isNumber()) {
            throw new BadRequest(name, allowed, "'" + name + "' must be a number, got " + v);
        }
        double d = v.asDouble();
        if (!(d >= min && d <= max)) {
            throw new BadRequest(name, allowed, "'" + name + "' is out of range: " + v);
        }
        return d;
    }

    Duration duration(String name, Duration min, Duration max) {
        String allowed = "an ISO-8601 duration (e.g. -PT8M) or '<n> minutes', in " + min + ".." + max;
        if (!has(name)) {
            return null;
        }
        return checkDuration(name, node.get(name), min, max, allowed);
    }

    static Duration checkDuration(String name, JsonNode v, Duration min, Duration max, String allowed) {
        if (!v.isTextual()) {
            throw new BadRequest(name, allowed, "'" + name + "' must be a duration text, got " + v);
        }
        Duration d;
        try {
            d = Durations.parse(name, v.asText());
        } catch (IllegalArgumentException e) {
            throw new BadRequest(name, allowed, "'" + name + "' is not a duration: '" + v.asText() + "'");
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new BadRequest(name, allowed, "'" + name + "' is out of range: " + d);
        }
        return d;
    }

    String text(String name, int maxLength) {
        String allowed = "a non-blank string of at most " + maxLength + " characters";
        if (!has(name)) {
            return null;
        }
        JsonNode v = node.get(name);
        if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > maxLength) {
            throw new BadRequest(name, allowed, "'" + name + "' must be " + allowed + ", got " + v);
        }
        return v.asText();
    }
}
