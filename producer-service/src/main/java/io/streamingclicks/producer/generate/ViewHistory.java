package io.streamingclicks.producer.generate;

import io.streamingclicks.contract.ClickTruth;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The generator's memory of its own views, for r of {@link ClickTruth}: per (user, page), the latest event time
 * viewed in this run. Bounded by count: past {@link #CAPACITY} keys the least recently viewed goes (about 120 bytes a
 * key, so ~25 MB at the bound); a key dropped while still inside the revisit window is counted, since r is then 0
 * where the truth says 1. Not thread-safe: the generator's thread owns it.
 */
final class ViewHistory {

    /**
     * Keys kept. The default population (1000 users x 50 pages) fits whole; at 20 events/s a 30-minute window holds
     * at most ~25,000 views, so the bound matters only at hundreds of views per second of event time over a large
     * population.
     */
    static final int CAPACITY = 200_000;

    private final ClickTruth truth;
    private long newestMs = Long.MIN_VALUE;
    private long droppedInWindow;
    private final LinkedHashMap<String, Long> latest;

    ViewHistory(ClickTruth truth, int capacity) {
        this.truth = truth;
        this.latest = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                if (size() <= capacity) {
                    return false;
                }
                if (newestMs - eldest.getValue() <= truth.revisitWindow().toMillis()) {
                    droppedInWindow++;
                }
                return true;
            }
        };
    }

    /**
     * Books a view of {@code page} by {@code user} at {@code eventMs} and says whether it is a revisit: the latest
     * earlier view of the pair lies in [eventMs - window, eventMs).
     */
    boolean viewed(String user, String page, long eventMs) {
        String key = user + '\u0000' + page;
        // Removed and put back, so the map's order is by last view: the eldest is the one to drop.
        Long last = latest.remove(key);
        newestMs = Math.max(newestMs, eventMs);
        latest.put(key, last == null ? eventMs : Math.max(last, eventMs));
        return last != null && truth.isRevisit(last, eventMs);
    }

    /** Keys dropped by the bound while their latest view was still inside the revisit window. */
    long droppedInWindow() {
        return droppedInWindow;
    }

    int size() {
        return latest.size();
    }
}
