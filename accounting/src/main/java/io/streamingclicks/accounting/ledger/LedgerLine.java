package io.streamingclicks.accounting.ledger;

import java.time.Instant;

/**
 * One line of the producer's ledger, typed by kind (the format is described in {@code package-info}). Every line is
 * a delta or a running maximum: readers sum counts per key and take the maximum of offsets and landed sequences.
 */
public sealed interface LedgerLine permits LedgerLine.Count, LedgerLine.Offset, LedgerLine.Landed {

    /**
     * Send outcomes answered since the previous flush for one event-time second (UTC, truncated) and page.
     *
     * @param late whether the events were deliberately late (the configured late fraction and every burst)
     * @param acked acknowledged ({@code acks=all}); {@code inDoubt}: timed out, may or may not be written;
     *              {@code failed}: definitely not written
     */
    record Count(Instant second, String pageId, boolean late, long acked, long inDoubt, long failed)
            implements LedgerLine {

        public static Count of(LedgerKey key, LedgerCounts counts) {
            return new Count(Instant.ofEpochSecond(key.second()), key.pageId(), key.late(), counts.acked(),
                    counts.inDoubt(), counts.failed());
        }

        public LedgerKey key() {
            return new LedgerKey(second.getEpochSecond(), pageId, late);
        }
    }

    /** The highest offset of {@code partition} acknowledged so far, as of {@code at} (wall clock). */
    record Offset(Instant at, int partition, long maxAckedOffset) implements LedgerLine {
    }

    /**
     * Landing mode: every landing file of run {@code run} with a sequence number {@code <= maxSeq} is booked by the
     * count lines written before this line ({@code -1}: none yet).
     */
    record Landed(String run, long maxSeq) implements LedgerLine {
    }
}
