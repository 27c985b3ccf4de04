package io.streamingclicks.accounting.spark;

import java.util.Map;

import io.streamingclicks.accounting.iceberg.StreamingOffset;

/**
 * One micro-batch of a query as its checkpoint records it: its watermark ({@code batchWatermarkMs} of
 * {@code offsets/N}: what batch N seals and evicts with; batch N+1's late-row filter uses it), its end offset per
 * Kafka partition, and whether {@code commits/N} exists. Its start offsets are the previous batch's end offsets.
 * A file-source batch has no partitions but a {@code fileLogOffset}: the last batch of the source's own log
 * ({@code sources/0}) it read; null for Kafka. A batch of Iceberg's streaming source (the windows query on the
 * Iceberg format) has neither but a {@code tableOffset}: the table snapshot (and position) it read up to.
 */
public record BatchOffsets(long batchId, long watermarkMs, Map<Integer, Long> endOffsets, boolean committed,
                           Long fileLogOffset, StreamingOffset tableOffset) {

    public BatchOffsets(long batchId, long watermarkMs, Map<Integer, Long> endOffsets, boolean committed) {
        this(batchId, watermarkMs, endOffsets, committed, null, null);
    }

    public BatchOffsets(long batchId, long watermarkMs, Map<Integer, Long> endOffsets, boolean committed,
                        Long fileLogOffset) {
        this(batchId, watermarkMs, endOffsets, committed, fileLogOffset, null);
    }

    /** Kafka: the records up to this batch's end over all partitions, counted from offset 0. */
    public long endOffsetSum() {
        return endOffsets.values().stream().mapToLong(Long::longValue).sum();
    }
}
