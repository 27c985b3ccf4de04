package io.streamingclicks.producer.burst;

import io.streamingclicks.contract.ClickEvent;
import io.streamingclicks.contract.Windows;
import io.streamingclicks.producer.clock.EventClock;
import io.streamingclicks.producer.config.ProducerSettings;
import io.streamingclicks.producer.generate.Catalogue;
import io.streamingclicks.producer.generate.EventFactory;
import io.streamingclicks.producer.generate.Generator;
import io.streamingclicks.producer.send.Outcome;
import io.streamingclicks.producer.send.Sender;
import io.streamingclicks.producer.stats.Stats;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Sends a burst of deliberately late (or early) events at event clock + offset, waits until every send is answered
 * and reports what happened: counts by outcome, the event-time range and the windows the events fall in. Every
 * burst event is booked in the ledger as {@code late}.
 */
@ApplicationScoped
public class BurstService {

    private static final int KEEP = 100;

    @Inject
    ProducerSettings settings;
    @Inject
    EventClock clock;
    @Inject
    Sender sender;
    @Inject
    Generator generator;
    @Inject
    Stats stats;

    private final AtomicLong ids = new AtomicLong();
    private final Deque<BurstResult> recent = new ArrayDeque<>();

    public BurstResult run(BurstSpec spec) throws InterruptedException {
        String id = "burst-" + ids.incrementAndGet() + "-" + Long.toHexString(System.currentTimeMillis());
        stats.burst();
        EventFactory factory = generator.factory();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        CountDownLatch answered = new CountDownLatch(spec.count());
        AtomicLongArray outcomes = new AtomicLongArray(Outcome.values().length);
        Duration window = settings.window();
        Map<Instant, Long> windows = new TreeMap<>();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < spec.count(); i++) {
            Instant t = clock.now().plus(spec.offset());
            ClickEvent e = factory.event(r, t, spec.pageId(), user(spec, r));
            min = Math.min(min, e.eventTime().toEpochMilli());
            max = Math.max(max, e.eventTime().toEpochMilli());
            windows.merge(Windows.start(e.eventTime(), window), 1L, Long::sum);
            sender.send(e, true, o -> {
                outcomes.incrementAndGet(o.ordinal());
                answered.countDown();
            });
        }
        answered.await(sender.maxAnswerTime().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        long acked = outcomes.get(Outcome.ACKED.ordinal());
        long inDoubt = outcomes.get(Outcome.IN_DOUBT.ordinal());
        long failed = outcomes.get(Outcome.FAILED.ordinal());
        // Unanswered after the producer's own deadline cannot happen; if it did, those sends count as in doubt.
        inDoubt += spec.count() - acked - inDoubt - failed;
        List<BurstResult.Window> ws = windows.entrySet().stream()
                .map(w -> new BurstResult.Window(w.getKey().toString(), w.getKey().plus(window).toString(),
                        w.getValue())).toList();
        BurstResult result = new BurstResult(id, spec.count(), spec.count(), acked, inDoubt, failed,
                text(spec.offset()), spec.pageId(), Instant.ofEpochMilli(min).toString(),
                Instant.ofEpochMilli(max).toString(), ws);
        synchronized (recent) {
            recent.addFirst(result);
            while (recent.size() > KEEP) {
                recent.removeLast();
            }
        }
        return result;
    }

    /** The last bursts, newest first. */
    public List<BurstResult> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /** {@code -PT8M} rather than Java's {@code PT-8M}: the form the caller wrote. */
    public static String text(Duration d) {
        return d.isNegative() ? "-" + d.negated() : d.toString();
    }

    private static String user(BurstSpec spec, ThreadLocalRandom r) {
        if (spec.users() != null) {
            return spec.users().get(r.nextInt(spec.users().size()));
        }
        if (spec.userCount() != null) {
            return Catalogue.userName(r.nextInt(spec.userCount()));
        }
        return null;
    }
}
