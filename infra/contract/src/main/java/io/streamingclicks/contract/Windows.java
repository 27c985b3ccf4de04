package io.streamingclicks.contract;

import java.time.Duration;
import java.time.Instant;

/** Tumbling event-time windows aligned to the epoch, as Spark's {@code window()} aligns them (:00, :05, ...). */
public final class Windows {

    private Windows() {
    }

    /** Start of the window of {@code size} that contains {@code t}. */
    public static Instant start(Instant t, Duration size) {
        long ms = size.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), ms) * ms);
    }

    /** End (exclusive) of the window of {@code size} that contains {@code t}. */
    public static Instant end(Instant t, Duration size) {
        return start(t, size).plus(size);
    }
}
