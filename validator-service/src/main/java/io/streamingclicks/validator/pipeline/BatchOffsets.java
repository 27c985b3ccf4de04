package io.streamingclicks.validator.pipeline;

import java.util.Map;

/**
 * One micro-batch of a query as its checkpoint records it: the watermark its late-row filter used
 * ({@code batchWatermarkMs} of {@code offsets/N}), its end offset per Kafka partition, and whether
 * {@code commits/N} exists. Its start offsets are the previous batch's end offsets.
 */
public record BatchOffsets(long batchId, long watermarkMs, Map<Integer, Long> endOffsets, boolean committed) {
}
