package io.streamingclicks.producer.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventClockTest {

    private final AtomicLong wall = new AtomicLong(Instant.parse("2026-11-21T12:00:00Z").toEpochMilli());

    @Test
    void backfillRunsAtSpeedUntilNowThenAtWallSpeedNeverAhead() {
        Instant now = Instant.ofEpochMilli(wall.get());
        EventClock c = new EventClock(Duration.ofHours(1), 30, wall::get);
        assertThat(c.now()).isEqualTo(now.minus(Duration.ofHours(1)));
        assertThat(c.caughtUp()).isFalse();
        wall.addAndGet(60_000);
        assertThat(c.now()).isEqualTo(now.minus(Duration.ofHours(1)).plus(Duration.ofMinutes(30)));
        long prev = 0;
        for (int s = 0; s < 180; s++) {
            wall.addAndGet(1000);
            assertThat(c.nowMs()).isLessThanOrEqualTo(wall.get()).isGreaterThanOrEqualTo(prev);
            prev = c.nowMs();
        }
        // 60 min behind at 29 min gained per wall minute: caught up after ~124 s.
        assertThat(c.caughtUp()).isTrue();
        assertThat(c.nowMs()).isEqualTo(wall.get());
        wall.addAndGet(5000);
        assertThat(c.nowMs()).isEqualTo(wall.get());
    }

    @Test
    void neverGoesBackEvenIfTheWallClockDoes() {
        EventClock c = new EventClock(Duration.ZERO, 1, wall::get);
        assertThat(c.caughtUp()).isTrue();
        wall.addAndGet(10_000);
        long t = c.nowMs();
        wall.addAndGet(-5_000);
        assertThat(c.nowMs()).isEqualTo(t);
    }

    @Test
    void aRestartResumesFromTheLedgerNeverBeforeItAndNeverAfterNow() {
        Instant now = Instant.parse("2026-11-21T12:00:00Z");
        Duration hour = Duration.ofHours(1);
        assertThat(EventClock.startingPoint(now, hour, null)).isEqualTo(now.minus(hour));
        Instant last = now.minus(Duration.ofMinutes(20));
        assertThat(EventClock.startingPoint(now, hour, last)).isEqualTo(last);
        assertThat(EventClock.startingPoint(now, Duration.ZERO, last)).isEqualTo(now);
        assertThat(EventClock.startingPoint(now, hour, now.plusSeconds(30))).isEqualTo(now);
    }
}
