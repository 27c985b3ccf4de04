package io.streamingclicks.producer.clock;

import io.streamingclicks.producer.config.ProducerSettings;
import io.streamingclicks.producer.sink.Sink;
import io.streamingclicks.producer.stats.Stats;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Warns, once at start-up and before anything is sent, when the sink already holds events later than where the event
 * clock starts (a topic kept from an earlier stack, the data root deleted): the job's watermark follows the newest
 * event time it has seen, so every window this run fills before that time is dropped as late. Said in the log and
 * in {@code GET /stats}; the run goes on.
 */
@ApplicationScoped
public class StartCheck {

    private static final Logger LOG = Logger.getLogger(StartCheck.class);

    @Inject
    Sink sink;
    @Inject
    EventClock clock;
    @Inject
    Stats stats;
    @Inject
    ProducerSettings settings;

    public void run() {
        Optional<Instant> newest = sink.newestEventTime();
        Instant start = clock.start();
        if (newest.isPresent() && newest.get().isAfter(start)) {
            String warning = message(settings.topic(), newest.get(), start);
            LOG.warn(warning);
            stats.warn(warning);
        }
    }

    static String message(String topic, Instant newest, Instant start) {
        return "topic " + topic + " already holds events up to " + newest + ", later than where this producer's"
                + " event clock starts (" + start + "): windows ending more than the job's WATERMARK_DELAY before "
                + newest + " will be dropped as late by the job, with every event this run sends for them. To start"
                + " over on an empty topic: make reset.";
    }
}
