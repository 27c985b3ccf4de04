package io.streamingclicks.contract;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The click-event JSON contract, written once: canonical field names, the aliases of the console-producer sample
 * events (docs/interfaces.md), and the rule that turns an event-time text into a UTC instant. The producer writes it, the Spark job reads it (its
 * schema is built from {@link #SOURCE_KEYS}), the validator and tests decode with {@link ClickEvent#fromFields}.
 *
 * <pre>
 * {"event_id": uuid, "user_id": string, "page_id": string, "event_time": ISO-8601 UTC instant,
 *  "action": string, "duration_ms": long}
 * </pre>
 *
 * Aliases, accepted on read and never written:
 * <ul>
 *   <li>{@code user_id} may be a JSON number ({@code 1001}); it is read as its decimal text {@code "1001"}.</li>
 *   <li>{@code timestamp} stands for {@code event_time}; a date-time without zone or offset means UTC.</li>
 *   <li>{@code page_url} stands for {@code page_id}.</li>
 * </ul>
 * Where both a canonical name and its alias are present, the canonical name wins.
 */
public final class ClickEventContract {

    public static final String EVENT_ID = "event_id";
    public static final String USER_ID = "user_id";
    public static final String PAGE_ID = "page_id";
    public static final String EVENT_TIME = "event_time";
    public static final String ACTION = "action";
    public static final String DURATION_MS = "duration_ms";

    /** The console-producer samples' name for {@link #EVENT_TIME}. */
    public static final String ALIAS_TIMESTAMP = "timestamp";
    /** The console-producer samples' name for {@link #PAGE_ID}. */
    public static final String ALIAS_PAGE_URL = "page_url";

    /** Canonical fields in the order the producer writes them. */
    public static final List<String> FIELDS = List.of(EVENT_ID, USER_ID, PAGE_ID, EVENT_TIME, ACTION, DURATION_MS);

    /** Fields without which an event cannot be windowed or counted; a record missing one is quarantined. */
    public static final List<String> REQUIRED = List.of(USER_ID, PAGE_ID, EVENT_TIME);

    /** Canonical field to the JSON keys accepted for it, in precedence order (first present and non-null wins). */
    public static final Map<String, List<String>> ACCEPTED_KEYS = orderedMap(
            EVENT_ID, List.of(EVENT_ID),
            USER_ID, List.of(USER_ID),
            PAGE_ID, List.of(PAGE_ID, ALIAS_PAGE_URL),
            EVENT_TIME, List.of(EVENT_TIME, ALIAS_TIMESTAMP),
            ACTION, List.of(ACTION),
            DURATION_MS, List.of(DURATION_MS));

    /** How a schema-based reader must type each JSON key it looks at. */
    public enum Kind { STRING, TIMESTAMP, LONG }

    /** Every JSON key a reader looks at, canonical and alias, with its type: a Spark schema is built from this. */
    public static final Map<String, Kind> SOURCE_KEYS = orderedMap(
            EVENT_ID, Kind.STRING,
            USER_ID, Kind.STRING,
            PAGE_ID, Kind.STRING,
            ALIAS_PAGE_URL, Kind.STRING,
            EVENT_TIME, Kind.TIMESTAMP,
            ALIAS_TIMESTAMP, Kind.TIMESTAMP,
            ACTION, Kind.STRING,
            DURATION_MS, Kind.LONG);

    private ClickEventContract() {
    }

    /**
     * Reads an event time: an ISO-8601 instant ({@code 2025-12-14T09:25:01Z}), one with an offset
     * ({@code ...+01:00}), or a local date-time without zone ({@code 2025-12-14T09:25:01}, also with a space for the
     * {@code T}), which means UTC.
     *
     * @throws DateTimeParseException when the text is none of these
     */
    public static Instant parseEventTime(String text) {
        String t = text.strip();
        try {
            return OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            return LocalDateTime.parse(t.replace(' ', 'T'), DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                    .toInstant(ZoneOffset.UTC);
        }
    }

    /** Writes an event time the way the producer does: ISO-8601, UTC, with a {@code Z}, millisecond precision. */
    public static String formatEventTime(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> orderedMap(Object... keysAndValues) {
        Map<String, V> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], (V) keysAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
