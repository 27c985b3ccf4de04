package io.streamingclicks.producer.generate;

import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * {@code PRODUCER_CLICK_MODEL=independent}: each event's lateness, user, page and action drawn on their own, in the
 * order the generator always drew them; a {@code lateFraction} of events shifted by {@code lateOffset}.
 */
final class IndependentStream implements ClickStream {

    private volatile GeneratorSettings settings;
    private volatile EventFactory factory;

    @Override
    public synchronized void apply(GeneratorSettings s, EventFactory f) {
        factory = f;
        settings = s;
    }

    @Override
    public Next next(RandomGenerator r, long clockMs) {
        GeneratorSettings s = settings;
        EventFactory f = factory;
        boolean late = s.lateFraction() > 0 && r.nextDouble() < s.lateFraction();
        Instant t = Instant.ofEpochMilli(clockMs);
        if (late) {
            t = t.plus(s.lateOffset());
        }
        return new Next(f.event(r, t), late);
    }

    @Override
    public int stopped() {
        return 0;
    }
}
