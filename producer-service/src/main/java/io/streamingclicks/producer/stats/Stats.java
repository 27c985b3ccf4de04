package io.streamingclicks.producer.stats;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.streamingclicks.producer.send.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * Running totals of sends (sent, acked, in doubt, failed; late among them; bursts) and the acknowledged rate over
 * the last 10 s, served by {@code GET /stats} and as Prometheus meters under {@code /q/metrics}.
 */
@ApplicationScoped
public class Stats {

    private static final int WINDOW_S = 10;

    private final LongAdder sent = new LongAdder();
    private final LongAdder sentBytes = new LongAdder();
    private final LongAdder acked = new LongAdder();
    private final LongAdder inDoubt = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder lateSent = new LongAdder();
    private final LongAdder lateAcked = new LongAdder();
    private final LongAdder bursts = new LongAdder();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final long[] ackedRing = new long[WINDOW_S + 1];
    private final long[] nanosRing = new long[WINDOW_S + 1];
    private int ringPos;
    private int ringFill;

    @Inject
    MeterRegistry registry;

    /** Registers the meters; {@code clockLagSeconds} and {@code configuredRate} are read when scraped. */
    public void bind(DoubleSupplier configuredRate, DoubleSupplier clockLagSeconds) {
        FunctionCounter.builder("producer.events.sent", sent, LongAdder::doubleValue)
                .description("events handed to the Kafka producer").register(registry);
        for (Outcome o : Outcome.values()) {
            FunctionCounter.builder("producer.events", byOutcome(o), LongAdder::doubleValue)
                    .tag("outcome", o.name().toLowerCase()).description("answered sends by outcome")
                    .register(registry);
        }
        FunctionCounter.builder("producer.events.late.sent", lateSent, LongAdder::doubleValue)
                .description("deliberately late events sent (late fraction and bursts)").register(registry);
        FunctionCounter.builder("producer.bursts", bursts, LongAdder::doubleValue).register(registry);
        Gauge.builder("producer.rate.configured", configuredRate::getAsDouble).register(registry);
        Gauge.builder("producer.rate.acked", this::ackedRate).description("acked events/s over the last 10 s")
                .register(registry);
        Gauge.builder("producer.event.clock.lag.seconds", clockLagSeconds::getAsDouble)
                .description("wall clock minus event clock").register(registry);
    }

    public void sent(boolean late, int valueBytes) {
        sent.increment();
        sentBytes.add(valueBytes);
        if (late) {
            lateSent.increment();
        }
    }

    public void answered(Outcome outcome, boolean late) {
        byOutcome(outcome).increment();
        if (late && outcome == Outcome.ACKED) {
            lateAcked.increment();
        }
    }

    /** Something a person should know about this run (see {@code GET /stats}'s {@code warnings}). */
    public void warn(String warning) {
        warnings.add(warning);
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    public void burst() {
        bursts.increment();
    }

    @Scheduled(every = "1s")
    synchronized void sample() {
        ackedRing[ringPos] = acked.sum();
        nanosRing[ringPos] = System.nanoTime();
        ringPos = (ringPos + 1) % ackedRing.length;
        ringFill = Math.min(ringFill + 1, ackedRing.length);
    }

    /** Acknowledged events per second over the last (up to) 10 s of samples. */
    public synchronized double ackedRate() {
        if (ringFill < 2) {
            return 0;
        }
        int newest = (ringPos - 1 + ackedRing.length) % ackedRing.length;
        int oldest = ringFill < ackedRing.length ? 0 : ringPos;
        double seconds = (nanosRing[newest] - nanosRing[oldest]) / 1e9;
        return seconds <= 0 ? 0 : (ackedRing[newest] - ackedRing[oldest]) / seconds;
    }

    public long sent() {
        return sent.sum();
    }

    /** Mean size of a record's value (the event's JSON), for comparing with Kafka's own perf tool. */
    public double meanValueBytes() {
        long n = sent.sum();
        return n == 0 ? 0 : (double) sentBytes.sum() / n;
    }

    public long acked() {
        return acked.sum();
    }

    public long inDoubt() {
        return inDoubt.sum();
    }

    public long failed() {
        return failed.sum();
    }

    public long lateSent() {
        return lateSent.sum();
    }

    public long lateAcked() {
        return lateAcked.sum();
    }

    public long bursts() {
        return bursts.sum();
    }

    private LongAdder byOutcome(Outcome o) {
        return switch (o) {
            case ACKED -> acked;
            case IN_DOUBT -> inDoubt;
            case FAILED -> failed;
        };
    }
}
