package io.streamingclicks.job.support;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Event times of the tests, relative to {@link #T}: the start of the hour three hours ago, aligned to every window
 * length that divides an hour and far enough in the past that no event is refused as from the future, so every
 * batch boundary that matters is sent and waited for, never timed.
 */
public final class EventTimes {

    public static final Instant T = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.HOURS);

    private EventTimes() {
    }

    /** {@code minutes}:{@code seconds} after {@link #T}. */
    public static Instant at(int minutes, int seconds) {
        return T.plus(Duration.ofMinutes(minutes)).plusSeconds(seconds);
    }
}
