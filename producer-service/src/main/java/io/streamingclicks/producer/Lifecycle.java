package io.streamingclicks.producer;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.streamingclicks.producer.clock.EventClock;
import io.streamingclicks.producer.clock.StartCheck;
import io.streamingclicks.producer.config.ProducerSettings;
import io.streamingclicks.producer.generate.Generator;
import io.streamingclicks.producer.landing.LandingRetention;
import io.streamingclicks.producer.ledger.Ledger;
import io.streamingclicks.producer.send.Sender;
import io.streamingclicks.producer.stats.Stats;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Starts the service in order (ledger read and recovery, clock, producer, meters, the check of what the sink already
 * holds, landing retention, generator) and stops it in the reverse order that
 * keeps the accounting whole: generator, then the producer (waiting for every answer), then the last ledger flush.
 */
@ApplicationScoped
public class Lifecycle {

    @Inject
    ProducerSettings settings;
    @Inject
    Ledger ledger;
    @Inject
    EventClock clock;
    @Inject
    Sender sender;
    @Inject
    Stats stats;
    @Inject
    Generator generator;
    @Inject
    LandingRetention retention;
    @Inject
    StartCheck startCheck;

    void onStart(@Observes StartupEvent e) {
        stats.bind(() -> generator.settings().rate(),
                () -> (System.currentTimeMillis() - clock.nowMs()) / 1000.0);
        sender.topic();
        // Before the generator sends: this run's own events must not be what the check finds.
        startCheck.run();
        retention.start();
        if (settings.autostart()) {
            generator.start();
        }
    }

    void onStop(@Observes ShutdownEvent e) {
        retention.stop();
        generator.stop();
        sender.close();
        ledger.close();
    }
}
