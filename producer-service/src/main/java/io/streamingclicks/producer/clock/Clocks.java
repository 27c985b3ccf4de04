package io.streamingclicks.producer.clock;

import io.streamingclicks.producer.config.ProducerSettings;
import io.streamingclicks.producer.ledger.Ledger;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Instant;
import org.jboss.logging.Logger;

/** Builds the service's one event clock from the backfill settings and where the ledger of previous runs ends. */
public class Clocks {

    private static final Logger LOG = Logger.getLogger(Clocks.class);

    @Produces
    @Singleton
    EventClock eventClock(ProducerSettings settings, Ledger ledger) {
        Instant now = Instant.now();
        Instant resumeAfter = ledger.previousRunsEnd();
        Instant start = EventClock.startingPoint(now, settings.backfill(),
                resumeAfter == null ? null : resumeAfter.plusSeconds(1));
        LOG.infof("event clock starts at %s (backfill %s, speed %.1fx, previous ledger ends %s)", start,
                settings.backfill(), settings.speed(), resumeAfter);
        return new EventClock(java.time.Duration.between(start, now), settings.speed(), System::currentTimeMillis);
    }
}
