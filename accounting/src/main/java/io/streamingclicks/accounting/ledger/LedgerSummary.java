package io.streamingclicks.accounting.ledger;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every run's ledger summed, as the producer needs it: counts per (second, page, lateness) in an event-time range,
 * the highest acknowledged offset per partition, the last on-time event second (where a restarted producer's clock
 * resumes), the last event second, and in landing mode the landing files booked per run. A torn line is skipped.
 *
 * @param landedSeq per run, the highest landing-file sequence number booked (landing mode)
 */
public record LedgerSummary(Map<LedgerKey, LedgerCounts> counts, Map<Integer, Long> maxAckedOffsets,
                            Instant lastOnTimeSecond, Instant lastSecond, Map<String, Long> landedSeq) {

    /** Sums counts whose second lies in {@code [from, to)} (either may be null: unbounded) and page, if given. */
    public static LedgerSummary read(Path dir, Instant from, Instant to, String page) {
        Map<LedgerKey, LedgerCounts> counts = new TreeMap<>();
        Map<Integer, Long> offsets = new TreeMap<>();
        Map<String, Long> landed = new TreeMap<>();
        long lastOnTime = Long.MIN_VALUE;
        long last = Long.MIN_VALUE;
        for (LedgerFiles.Content f : LedgerFiles.readAll(dir)) {
            for (LedgerLine line : f.lines()) {
                if (line instanceof LedgerLine.Offset o) {
                    offsets.merge(o.partition(), o.maxAckedOffset(), Math::max);
                } else if (line instanceof LedgerLine.Landed l) {
                    landed.merge(l.run(), l.maxSeq(), Math::max);
                } else if (line instanceof LedgerLine.Count c) {
                    long second = c.second().getEpochSecond();
                    last = Math.max(last, second);
                    if (!c.late()) {
                        lastOnTime = Math.max(lastOnTime, second);
                    }
                    if ((from != null && second < from.getEpochSecond())
                            || (to != null && second >= to.getEpochSecond())
                            || (page != null && !page.equals(c.pageId()))) {
                        continue;
                    }
                    counts.computeIfAbsent(c.key(), k -> new LedgerCounts()).add(c);
                }
            }
        }
        return new LedgerSummary(counts, offsets,
                lastOnTime == Long.MIN_VALUE ? null : Instant.ofEpochSecond(lastOnTime),
                last == Long.MIN_VALUE ? null : Instant.ofEpochSecond(last), landed);
    }

    public static LedgerSummary readAll(Path dir) {
        return read(dir, null, null, null);
    }
}
