package io.streamingclicks.producer.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The producer's event-time clock: starts at a given instant (the past, for a backfill), runs {@code speed} times
 * faster than the wall clock until it has caught up with it, then runs at wall speed. It is never ahead of the wall
 * clock and never goes back, so the job never sees a future-dated event nor a sudden flood of late ones.
 */
public final class EventClock {

    private final long startEventMs;
    private final long startWallMs;
    private final double speed;
    private final LongSupplier wallMs;
    private long lastMs;

    /**
     * @param behind how far behind the wall clock the event clock starts (zero: real time from the first moment;
     *               taken as a distance, not an instant, so the time spent starting up is not lost as lag)
     */
    public EventClock(Duration behind, double speed, LongSupplier wallMs) {
        if (!(speed >= 1)) {
            throw new IllegalArgumentException("speed must be >= 1, got " + speed);
        }
        this.wallMs = wallMs;
        this.startWallMs = wallMs.getAsLong();
        this.startEventMs = startWallMs - Math.max(0, behind.toMillis());
        this.speed = speed;
        this.lastMs = startEventMs;
    }

    /**
     * Where a run starts: {@code backfill} before now, or, after a restart, where the previous run's ledger ends
     * when that is later (the clock must not jump back over what was already sent); never after now.
     */
    public static Instant startingPoint(Instant now, Duration backfill, Instant lastInLedger) {
        Instant start = now.minus(backfill);
        if (lastInLedger != null && lastInLedger.isAfter(start)) {
            start = lastInLedger;
        }
        return start.isAfter(now) ? now : start;
    }

    /** Event time now, in epoch milliseconds. */
    public synchronized long nowMs() {
        long wall = wallMs.getAsLong();
        long elapsed = Math.max(0, wall - startWallMs);
        long t = Math.min(startEventMs + (long) (elapsed * speed), wall);
        lastMs = Math.max(lastMs, t);
        return lastMs;
    }

    public Instant now() {
        return Instant.ofEpochMilli(nowMs());
    }

    /** True once the event clock has reached the wall clock (from then on it runs at wall speed). */
    public boolean caughtUp() {
        long wall = wallMs.getAsLong();
        return startEventMs + (long) (Math.max(0, wall - startWallMs) * speed) >= wall;
    }

    public double speed() {
        return speed;
    }

    public Instant start() {
        return Instant.ofEpochMilli(startEventMs);
    }
}
