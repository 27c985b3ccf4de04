package io.streamingclicks.contract;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the durations users write in settings: ISO-8601 ({@code PT5M}, {@code -PT8M}) or Spark's interval words
 * ({@code 5 minutes}, {@code 30 seconds}, {@code 500 ms}); and writes them back the way Spark's window and watermark
 * functions take them.
 */
public final class Durations {

    private static final Pattern WORDS = Pattern.compile(
            "(-?\\d+)\\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?)");

    private Durations() {
    }

    /**
     * @param setting the name to put in the error, e.g. {@code WINDOW_DURATION}
     * @throws IllegalArgumentException naming the setting, the value and the accepted forms
     */
    public static Duration parse(String setting, String text) {
        if (text == null || text.isBlank()) {
            throw bad(setting, text);
        }
        String t = text.strip();
        if (t.startsWith("P") || t.startsWith("-P") || t.startsWith("+P")) {
            try {
                return Duration.parse(t);
            } catch (DateTimeParseException e) {
                throw bad(setting, text);
            }
        }
        Matcher m = WORDS.matcher(t.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw bad(setting, text);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2);
        if (unit.startsWith("ms") || unit.startsWith("milli")) {
            return Duration.ofMillis(n);
        }
        return switch (unit.charAt(0)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** Parses and requires a strictly positive duration. */
    public static Duration parsePositive(String setting, String text) {
        Duration d = parse(setting, text);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(setting + " must be a positive duration, got '" + text + "'");
        }
        return d;
    }

    /** The interval text Spark's {@code window()} and {@code withWatermark()} accept, e.g. {@code 300 seconds}. */
    public static String toSparkInterval(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " seconds" : ms + " milliseconds";
    }

    private static IllegalArgumentException bad(String setting, String text) {
        return new IllegalArgumentException(setting + " must be an ISO-8601 duration (PT5M, -PT8M) or a number with a"
                + " unit (5 minutes, 30 seconds, 500 ms), got '" + text + "'");
    }
}
