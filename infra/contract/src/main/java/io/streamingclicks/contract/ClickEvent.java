package io.streamingclicks.contract;

import static io.streamingclicks.contract.ClickEventContract.ACCEPTED_KEYS;
import static io.streamingclicks.contract.ClickEventContract.ACTION;
import static io.streamingclicks.contract.ClickEventContract.DURATION_MS;
import static io.streamingclicks.contract.ClickEventContract.EVENT_ID;
import static io.streamingclicks.contract.ClickEventContract.EVENT_TIME;
import static io.streamingclicks.contract.ClickEventContract.PAGE_ID;
import static io.streamingclicks.contract.ClickEventContract.USER_ID;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;

/**
 * One click event as the contract defines it. {@code eventId}, {@code action} and {@code durationMs} may be null:
 * events from outside the producer (a user's console producer) carry no {@code event_id}.
 */
public record ClickEvent(String eventId, String userId, String pageId, Instant eventTime, String action,
                         Long durationMs) {

    public ClickEvent {
        Objects.requireNonNull(userId, USER_ID);
        Objects.requireNonNull(pageId, PAGE_ID);
        Objects.requireNonNull(eventTime, EVENT_TIME);
    }

    /**
     * Builds an event from a decoded JSON object (any JSON library's map), applying the contract's aliases.
     *
     * @throws InvalidClickEvent naming the {@link QuarantineReason} when a required field is missing or unreadable
     */
    public static ClickEvent fromFields(Map<String, ?> json) {
        String userId = text(json, USER_ID);
        if (userId == null || userId.isBlank()) {
            throw new InvalidClickEvent(QuarantineReason.MISSING_USER_ID);
        }
        String pageId = text(json, PAGE_ID);
        if (pageId == null || pageId.isBlank()) {
            throw new InvalidClickEvent(QuarantineReason.MISSING_PAGE_ID);
        }
        String time = text(json, EVENT_TIME);
        if (time == null || time.isBlank()) {
            throw new InvalidClickEvent(QuarantineReason.MISSING_EVENT_TIME);
        }
        Instant eventTime;
        try {
            eventTime = ClickEventContract.parseEventTime(time);
        } catch (DateTimeParseException e) {
            throw new InvalidClickEvent(QuarantineReason.BAD_EVENT_TIME);
        }
        Object duration = value(json, DURATION_MS);
        Long durationMs = duration instanceof Number n ? Long.valueOf(n.longValue()) : null;
        return new ClickEvent(text(json, EVENT_ID), userId, pageId, eventTime, text(json, ACTION), durationMs);
    }

    /** This event as contract JSON: canonical names only, in {@link ClickEventContract#FIELDS} order. */
    public String toJson() {
        StringBuilder b = new StringBuilder(192).append('{');
        appendField(b, EVENT_ID, eventId, true);
        appendField(b, USER_ID, userId, true);
        appendField(b, PAGE_ID, pageId, true);
        appendField(b, EVENT_TIME, ClickEventContract.formatEventTime(eventTime), true);
        appendField(b, ACTION, action, true);
        appendField(b, DURATION_MS, durationMs, false);
        b.setLength(b.length() - 1);
        return b.append('}').toString();
    }

    private static void appendField(StringBuilder b, String name, Object value, boolean quoted) {
        if (value == null) {
            return;
        }
        b.append('"').append(name).append("\":");
        if (quoted) {
            appendJsonString(b, value.toString());
        } else {
            b.append(value);
        }
        b.append(',');
    }

    private static void appendJsonString(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** The first accepted key present and non-null, as text: a JSON number reads as its decimal text. */
    private static String text(Map<String, ?> json, String canonical) {
        Object v = value(json, canonical);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n && (v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger)) {
            return n.toString();
        }
        return v.toString();
    }

    private static Object value(Map<String, ?> json, String canonical) {
        for (String key : ACCEPTED_KEYS.get(canonical)) {
            Object v = json.get(key);
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
