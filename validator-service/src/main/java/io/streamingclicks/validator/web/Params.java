package io.streamingclicks.validator.web;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Parses request parameters (taken as text so that every bad value gets a 400 naming its field). */
final class Params {

    static final String INSTANT = "an ISO-8601 UTC instant such as 2026-11-21T22:45:00Z";

    private Params() {
    }

    static int integer(String field, String text, int def, int min, int max) {
        if (text == null || text.isBlank()) {
            return def;
        }
        String allowed = "an integer in " + min + ".." + max;
        try {
            int v = Integer.parseInt(text.strip());
            if (v < min || v > max) {
                throw new BadParameter(field, allowed, text);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new BadParameter(field, allowed, text);
        }
    }

    static Instant instant(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            Instant t = Instant.parse(text.strip());
            if (t.isBefore(Instant.parse("1970-01-01T00:00:00Z")) || t.isAfter(Instant.parse("9999-12-31T23:59:59Z"))) {
                throw new BadParameter(field, INSTANT + " between 1970 and 9999", text);
            }
            return t;
        } catch (DateTimeParseException e) {
            throw new BadParameter(field, INSTANT, text);
        }
    }

    /** A window start: an instant aligned to the window size. */
    static Instant windowStart(String field, String text, Duration window) {
        Instant t = instant(field, text);
        if (t != null && t.toEpochMilli() % window.toMillis() != 0) {
            throw new BadParameter(field, INSTANT + " at the start of a " + window.toMinutes()
                    + "-minute window (aligned to the epoch, e.g. :00, :05)", text);
        }
        return t;
    }

    static void ordered(String fromField, Instant from, String toField, Instant to) {
        if (from != null && to != null && !from.isBefore(to)) {
            throw new BadParameter(toField, "after " + fromField + " (" + from + ")", to.toString());
        }
    }

    static String checkName(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (!text.matches("[a-z_]{1,64}")) {
            throw new BadParameter(field, "a check name: 1..64 of a-z and _", text);
        }
        return text;
    }
}
