package io.streamingclicks.producer.generate;

import io.streamingclicks.contract.ClickTruth;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The generator's memory of its own views, for r of {@link ClickTruth}: per (user, page), the event times it viewed
 * in this run, as far back as the revisit window plus the late offset (so a late view, sent after every view before
 * it, finds them all), at most {@link #TIMES_PER_PAIR} per pair. Bounded by count: past {@link #CAPACITY} pairs the
 * least recently viewed goes (about 150 bytes a pair, ~30 MB at the bound); a pair dropped while still inside the
 * revisit window is counted, since r is then 0 where the truth says 1. Not thread-safe: the generator's thread owns
 * it.
 */
final class ViewHistory {

    /**
     * Pairs kept. The default population (1000 users x 50 pages) fits whole; at 20 events/s a 30-minute window holds
     * at most ~25,000 views, so the bound matters only at hundreds of views per second of event time over a large
     * population.
     */
    static final int CAPACITY = 200_000;
    /** Event times kept per pair: the latest ones; more would only matter for a pair viewed every few seconds. */
    static final int TIMES_PER_PAIR = 64;

    private final ClickTruth truth;
    private final long windowMs;
    private long lateMs;
    private long newestMs = Long.MIN_VALUE;
    private long droppedInWindow;
    private final LinkedHashMap<String, long[]> times;

    ViewHistory(ClickTruth truth, int capacity) {
        this.truth = truth;
        this.windowMs = truth.revisitWindow().toMillis();
        this.times = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
                if (size() <= capacity) {
                    return false;
                }
                long[] t = eldest.getValue();
                if (newestMs - t[t.length - 1] <= windowMs) {
                    droppedInWindow++;
                }
                return true;
            }
        };
    }

    /** How far behind the newest view a late view may lie (the late offset, while a late fraction is set). */
    void lateBy(long ms) {
        lateMs = Math.max(0, ms);
    }

    /**
     * Books a view of {@code page} by {@code user} at {@code eventMs} and says whether it is a revisit: an earlier
     * booked view of the pair lies in [eventMs - window, eventMs).
     */
    boolean viewed(String user, String page, long eventMs) {
        String key = user + '\u0000' + page;
        newestMs = Math.max(newestMs, eventMs);
        // Removed and put back, so the map's order is by last view: the eldest is the one to drop.
        long[] before = times.remove(key);
        boolean revisit = false;
        long keepFrom = newestMs - windowMs - lateMs;
        int from = 0;
        if (before != null) {
            for (long t : before) {
                revisit |= truth.isRevisit(t, eventMs);
                from += t < keepFrom ? 1 : 0;
            }
        }
        times.put(key, with(before, from, eventMs));
        return revisit;
    }

    /** {@code before[from..]} with {@code t} inserted in order, the oldest cut beyond {@link #TIMES_PER_PAIR}. */
    private static long[] with(long[] before, int from, long t) {
        int n = before == null ? 0 : before.length - from;
        long[] out = new long[n + 1];
        if (n > 0) {
            System.arraycopy(before, from, out, 0, n);
        }
        int i = n;
        while (i > 0 && out[i - 1] > t) {
            out[i] = out[i - 1];
            i--;
        }
        out[i] = t;
        return out.length > TIMES_PER_PAIR ? Arrays.copyOfRange(out, out.length - TIMES_PER_PAIR, out.length) : out;
    }

    /** Pairs dropped by the bound while their latest view was still inside the revisit window. */
    long droppedInWindow() {
        return droppedInWindow;
    }

    int size() {
        return times.size();
    }
}
