package io.streamingclicks.producer.generate;

import io.streamingclicks.contract.ClickEvent;
import io.streamingclicks.contract.ClickTruth;
import java.util.random.RandomGenerator;

/**
 * What the continuous generator sends next, one event per call: {@link IndependentStream} (every event drawn on its
 * own) or {@link PropensityStream} (clicks follow views, {@link ClickTruth}), chosen once at start from
 * {@code PRODUCER_CLICK_MODEL}. Called from the generator's thread; {@link #apply} from a retune.
 */
public interface ClickStream {

    /** One event and whether it is deliberately late (booked {@code late} in the ledger). */
    record Next(ClickEvent event, boolean late) {
    }

    /** Settings changed (and the first settings): what later events are drawn from. */
    void apply(GeneratorSettings settings, EventFactory factory);

    /** The next event to send, the event clock reading {@code clockMs}. */
    Next next(RandomGenerator r, long clockMs);

    /** The generator stopped: forgets events drawn but not yet due, and says how many. */
    int stopped();

    static ClickStream of(ClickTruth truth) {
        return truth.model() == ClickTruth.Model.PROPENSITY
                ? new PropensityStream(truth, ViewHistory.CAPACITY) : new IndependentStream();
    }
}
