package io.streamingclicks.accounting.spark;

import java.util.Map;

/**
 * One micro-batch of a query as its checkpoint records it: its watermark ({@code batchWatermarkMs} of
 * {@code offsets/N}: what batch N seals and evicts with; batch N+1's late-row filter uses it), its end offset per
 * Kafka partition, and whether {@code commits/N} exists. Its start offsets are the previous batch's end offsets.
 * A file-source batch has no partitions but a {@code fileLogOffset}: the last batch of the source's own log
 * ({@code sources/0}) it read; null for Kafka.
 */
public record BatchOffsets(long batchId, long watermarkMs, Map<Integer, Long> endOffsets, boolean committed,
                           Long fileLogOffset) {

    public BatchOffsets(long batchId, long watermarkMs, Map<Integer, Long> endOffsets, boolean committed) {
        this(batchId, watermarkMs, endOffsets, committed, null);
    }

    /** Kafka: the records up to this batch's end over all partitions, counted from offset 0. */
    public long endOffsetSum() {
        return endOffsets.values().stream().mapToLong(Long::longValue).sum();
    }
}
