package io.streamingclicks.producer.generate;

import io.streamingclicks.contract.ClickTruth;
import io.streamingclicks.producer.clock.EventClock;
import io.streamingclicks.producer.config.ProducerSettings;
import io.streamingclicks.producer.send.Sender;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.jboss.logging.Logger;

/**
 * The continuous stream: one thread that sends {@code rate} events per second at the event clock's time, a
 * {@code lateFraction} of them shifted by {@code lateOffset}, drawn by the {@link ClickStream} of
 * {@code PRODUCER_CLICK_MODEL}. Started, stopped and retuned at run time; a retune takes effect on the next event.
 */
@ApplicationScoped
public class Generator {

    private static final Logger LOG = Logger.getLogger(Generator.class);
    /** The pacer never catches up more than this much backlog (after a stall, e.g. a full producer buffer). */
    private static final double MAX_BACKLOG_S = 1.0;

    @Inject
    ProducerSettings startup;
    @Inject
    EventClock clock;
    @Inject
    Sender sender;
    @Inject
    ClickTruth truth;

    private volatile GeneratorSettings settings;
    private volatile EventFactory factory;
    private ClickStream stream;
    private Thread thread;
    private volatile boolean running;
    private volatile long epochNanos;
    private volatile long sentSinceEpoch;

    @PostConstruct
    void init() {
        stream = ClickStream.of(truth);
        apply(new GeneratorSettings(startup.rate(), startup.users(), startup.pages(), startup.skew(),
                startup.lateFraction(), startup.lateOffset(), GeneratorSettings.DEFAULT_ACTIONS,
                GeneratorSettings.DEFAULT_MEAN_VIEW_MS));
    }

    public GeneratorSettings settings() {
        return settings;
    }

    /** The click model this run draws from (fixed at start). */
    public ClickTruth truth() {
        return truth;
    }

    /** The full action mix, clicks included: what a burst draws from. */
    public EventFactory factory() {
        return factory;
    }

    public boolean running() {
        return running;
    }

    /** Replaces the settings; the pace restarts from now so a rate change is not "owed" from the past. */
    public synchronized void apply(GeneratorSettings s) {
        EventFactory f = new EventFactory(new Catalogue(s.users(), s.pages(), s.skew(), s.actions()), s.meanViewMs());
        stream.apply(s, f);
        factory = f;
        settings = s;
        epochNanos = System.nanoTime();
        sentSinceEpoch = 0;
        LOG.infof("generator settings: %s", s);
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        epochNanos = System.nanoTime();
        sentSinceEpoch = 0;
        thread = new Thread(this::loop, "click-generator");
        thread.setDaemon(true);
        thread.start();
        LOG.info("generator started");
    }

    /** Stops and waits until the generator thread has handed its last event to the producer. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // A click not yet due stays unsent: its view is then one without a click (the README says so).
        int dropped = stream.stopped();
        LOG.infof("generator stopped%s", dropped > 0 ? "; " + dropped + " clicks not yet due are not sent" : "");
    }

    private void loop() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (running) {
            GeneratorSettings s = settings;
            long now = System.nanoTime();
            long epoch = epochNanos;
            double due = (now - epoch) / 1e9 * s.rate();
            long owed = (long) due - sentSinceEpoch;
            if (owed > Math.max(1, s.rate() * MAX_BACKLOG_S)) {
                // Fell behind (the producer blocked): forgive the backlog rather than burst to catch up.
                epochNanos = now;
                sentSinceEpoch = 0;
                owed = 0;
            }
            for (long i = 0; i < owed && running; i++) {
                ClickStream.Next next = stream.next(r, clock.nowMs());
                sender.send(next.event(), next.late());
            }
            if (epoch == epochNanos) {
                sentSinceEpoch += Math.max(0, owed);
            }
            // Sleep until the next event is due, at most 10 ms so a retune or stop is picked up promptly.
            long nextDueNanos = s.rate() > 0 ? (long) ((sentSinceEpoch + 1) / s.rate() * 1e9) - (System.nanoTime()
                    - epochNanos) : 10_000_000L;
            LockSupport.parkNanos(Math.max(100_000L, Math.min(10_000_000L, nextDueNanos)));
        }
    }
}
