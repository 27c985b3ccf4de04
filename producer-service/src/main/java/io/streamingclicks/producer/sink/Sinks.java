package io.streamingclicks.producer.sink;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.producer.config.ProducerSettings;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/** Chooses the service's one {@link Sink} from {@code PRODUCER_SINK}, once, at start-up. */
public class Sinks {

    @Produces
    @Singleton
    Sink sink(ProducerSettings settings) {
        return switch (settings.sink()) {
            case ProducerSettings.SINK_LANDING -> new LandingSink(
                    Path.of(DataRoot.of(settings.dataDir()).landing()).toAbsolutePath());
            default -> new KafkaSink(settings.bootstrapServers(), settings.topic(), settings.compression());
        };
    }
}
