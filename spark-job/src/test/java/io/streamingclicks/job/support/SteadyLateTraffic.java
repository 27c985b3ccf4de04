package io.streamingclicks.job.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Click events sent from a thread at a fixed rate while a test starts, stops and restarts the job, as live traffic
 * arrives: event time advances {@link Shape#speed} times faster than the wall clock, a fraction of the events is
 * late by a uniform amount of event time, and every user is distinct ({@code user-<event id>}), so the distinct users
 * of a window are exactly its counted events. The k-th event's time depends only on k and the seed, not on when it was
 * sent; a hiccup of the sender delays events, it does not skip them.
 */
public final class SteadyLateTraffic implements AutoCloseable {

    private static final Duration TICK = Duration.ofMillis(100);
    private static final int PAGES = 12;

    /**
     * @param start        the event time of the first on-time event
     * @param speed        event-time seconds per wall-clock second
     * @param perSecond    events per wall-clock second
     * @param lateFraction the share of events sent late, each by a uniform amount in [lateMin, lateMax) behind the
     *                     on-time event time of its place in the sequence
     */
    public record Shape(Instant start, int speed, int perSecond, double lateFraction, Duration lateMin,
                        Duration lateMax) {
    }

    private final Events events;
    private final Shape shape;
    private final Random random;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopping;
    private volatile long sent;

    /** Starts sending at once. */
    public SteadyLateTraffic(String bootstrapServers, String topic, Shape shape, long seed) {
        this.events = new Events(bootstrapServers, topic);
        this.shape = shape;
        this.random = new Random(seed);
        this.thread = new Thread(this::run, "steady-late-traffic");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long t0 = System.nanoTime();
        try {
            while (!stopping) {
                long due = shape.perSecond() * (System.nanoTime() - t0) / 1_000_000_000L;
                List<String> batch = new ArrayList<>();
                for (long k = sent; k < due; k++) {
                    batch.add(event(k));
                }
                if (!batch.isEmpty()) {
                    events.sendRaw(batch); // waits for the acks: sent counts only acknowledged events
                    sent = due;
                }
                Thread.sleep(TICK.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            failure.set(e);
        }
    }

    private String event(long k) {
        Instant t = onTime(k);
        if (random.nextDouble() < shape.lateFraction()) {
            long min = shape.lateMin().toMillis();
            t = t.minusMillis(min + (long) (random.nextDouble() * (shape.lateMax().toMillis() - min)));
        }
        String id = Events.newId();
        return Events.json(id, "user-" + id, "/p" + random.nextInt(PAGES), t, "view");
    }

    /** The event time the k-th event has if it is not late. */
    private Instant onTime(long k) {
        return shape.start().plusMillis(k * 1000L * shape.speed() / shape.perSecond());
    }

    /** Acknowledged events so far. */
    public long sent() {
        return sent;
    }

    /** The newest event time sent so far (the on-time time of the last acknowledged event). */
    public Instant frontier() {
        return sent == 0 ? shape.start() : onTime(sent - 1);
    }

    /** Stops the sender, waits for its last send, and fails if a send failed. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join(Duration.ofSeconds(30).toMillis());
        events.close();
        if (failure.get() != null) {
            throw new IllegalStateException("the traffic's sender failed", failure.get());
        }
    }
}
