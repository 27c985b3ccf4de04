package io.streamingclicks.validator.uv;

import java.time.Duration;
import java.util.Locale;

/**
 * How finely {@code /api/uv} buckets the windows: each window (as the job wrote it), or UTC hours or days merged
 * from the windows' sketches. Hour and day buckets are aligned to the epoch, so to UTC midnight and the full hour.
 */
public enum Grain {
    WINDOW(null, null, Duration.ofDays(31)),
    HOUR(Duration.ofHours(1), Duration.ofHours(24), Duration.ofDays(31)),
    DAY(Duration.ofDays(1), Duration.ofDays(30), Duration.ofDays(400));

    public static final String ALLOWED = "one of window, hour, day";

    private final Duration bucket;
    private final Duration defaultSpan;
    private final Duration maxRange;

    Grain(Duration bucket, Duration defaultSpan, Duration maxRange) {
        this.bucket = bucket;
        this.defaultSpan = defaultSpan;
        this.maxRange = maxRange;
    }

    /** The bucket length: the window itself for {@link #WINDOW}. */
    public Duration bucket(Duration window) {
        return bucket == null ? window : bucket;
    }

    /** The range covered when neither from nor to is given (null: every window, as /api/uv always did). */
    public Duration defaultSpan() {
        return defaultSpan;
    }

    /** The longest from..to a request may ask for: it bounds the sketches read and merged per request. */
    public Duration maxRange() {
        return maxRange;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return null when text is not a grain */
    public static Grain parse(String text) {
        for (Grain g : values()) {
            if (g.label().equals(text)) {
                return g;
            }
        }
        return null;
    }
}
