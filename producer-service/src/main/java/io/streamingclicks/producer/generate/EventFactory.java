package io.streamingclicks.producer.generate;

import io.streamingclicks.contract.ClickEvent;
import java.time.Instant;
import java.util.UUID;
import java.util.random.RandomGenerator;

/** Makes one contract event from a catalogue and a random source: pure, so a test can pin the draws. */
public final class EventFactory {

    private final Catalogue catalogue;
    private final long meanViewMs;

    public EventFactory(Catalogue catalogue, long meanViewMs) {
        this.catalogue = catalogue;
        this.meanViewMs = meanViewMs;
    }

    /** An event at {@code eventTime}; {@code page} and {@code user} are drawn from the catalogue when null. */
    public ClickEvent event(RandomGenerator r, Instant eventTime, String page, String user) {
        String action = catalogue.action(r);
        // Only a view has a dwell time (exponential around the mean); clicks are instantaneous, as in the console-producer samples.
        long duration = "view".equals(action) && meanViewMs > 0
                ? Math.min(30 * meanViewMs, (long) (-Math.log(1 - r.nextDouble()) * meanViewMs)) : 0;
        return new ClickEvent(uuid(r), user != null ? user : catalogue.user(r), page != null ? page : catalogue.page(r),
                eventTime, action, duration);
    }

    public ClickEvent event(RandomGenerator r, Instant eventTime) {
        return event(r, eventTime, null, null);
    }

    public Catalogue catalogue() {
        return catalogue;
    }

    /** A version-4 UUID from the given source: far cheaper than SecureRandom at tens of thousands per second. */
    static String uuid(RandomGenerator r) {
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }
}
