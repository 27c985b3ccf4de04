package io.streamingclicks.producer.generate;

import java.time.Duration;
import java.util.Map;

/**
 * What the continuous generator produces, retunable at run time: events per second, user population, page catalogue
 * size, Zipf exponent of page popularity, share of deliberately late events and their shift, action mix (weights)
 * and the mean duration of a {@code view}.
 */
public record GeneratorSettings(double rate, int users, int pages, double skew, double lateFraction,
                                Duration lateOffset, Map<String, Double> actions, long meanViewMs) {

    public static final Map<String, Double> DEFAULT_ACTIONS = Map.of("view", 0.70, "click", 0.25, "add_to_cart", 0.05);
    public static final long DEFAULT_MEAN_VIEW_MS = 4000;

    public GeneratorSettings {
        actions = Map.copyOf(actions);
    }
}
