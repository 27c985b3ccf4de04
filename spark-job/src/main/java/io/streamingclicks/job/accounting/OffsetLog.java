package io.streamingclicks.job.accounting;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Reads a query's checkpoint ({@code offsets/N}: {@code v1}, metadata JSON with {@code batchWatermarkMs}, then
 * {@code {"topic":{"partition":endOffset}}}; {@code commits/N}: batch N committed) and answers DESIGN.md's link 3:
 * from which offsets on a window's events were dropped as late. It survives SIGKILL because it reads durable state.
 *
 * <p>Spark 3.5.7 filters late rows of batch N with the watermark of batch N-1: MicroBatchExecution builds the
 * IncrementalExecution with {@code offsetLog.offsetSeqMetadataForBatchId(currentBatchId - 1)} as
 * {@code prevOffsetSeqMetadata}; {@code IncrementalExecution.state} propagates that watermark to batch N-1 and
 * {@code PropagateWatermarkSimulator.getInputWatermarkForLateEvents(batchId)} returns the one of {@code batchId - 1}
 * (the default, {@code spark.sql.streaming.statefulOperator.allowMultiple=true}). The filter drops a row whose window
 * end is {@code <=} that watermark ({@code WatermarkSupport.watermarkExpression}: {@code window.end <= wm}).
 * Batch 0 has no previous batch and filters nothing.
 */
public final class OffsetLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One planned batch: its watermark (the one in its offsets file) and its end offset per partition. */
    public record Batch(long id, long watermarkMs, Map<Integer, Long> endOffsets) {
    }

    private final SortedMap<Long, Batch> batches;
    private final Set<Long> committed;

    private OffsetLog(SortedMap<Long, Batch> batches, Set<Long> committed) {
        this.batches = batches;
        this.committed = committed;
    }

    public static OffsetLog read(Path checkpoint) {
        SortedMap<Long, Batch> batches = new TreeMap<>();
        for (long id : batchIds(checkpoint.resolve("offsets"))) {
            batches.put(id, parse(id, checkpoint.resolve("offsets").resolve(Long.toString(id))));
        }
        return new OffsetLog(Collections.unmodifiableSortedMap(batches),
                Collections.unmodifiableSet(batchIds(checkpoint.resolve("commits"))));
    }

    public SortedMap<Long, Batch> batches() {
        return batches;
    }

    public Set<Long> committed() {
        return committed;
    }

    /** The watermark Spark 3.5 uses to drop late rows in batch {@code id}: the one of the batch before (see above). */
    public long lateFilterWatermarkMs(long id) {
        Batch previous = batches.get(id - 1);
        return previous == null ? Long.MIN_VALUE : previous.watermarkMs();
    }

    /**
     * For a window ending at {@code windowEnd}: the start offsets, per partition, of the first batch whose late-row
     * filter watermark is {@code >= windowEnd}. Events of the window below them were counted, the others dropped as
     * late. Empty while no planned batch filters the window: every event of it read so far was counted.
     */
    public Optional<Map<Integer, Long>> lateBoundary(Instant windowEnd) {
        long end = windowEnd.toEpochMilli();
        for (Batch b : batches.values()) {
            if (b.id() > batches.firstKey() && lateFilterWatermarkMs(b.id()) >= end) {
                return Optional.of(batches.get(b.id() - 1).endOffsets());
            }
        }
        return Optional.empty();
    }

    private static Batch parse(long id, Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.size() < 3 || !lines.get(0).startsWith("v")) {
                throw new IllegalStateException(file + " is not an offset log entry (expected v1, metadata, offsets)");
            }
            JsonNode meta = JSON.readTree(lines.get(1));
            Map<String, Map<String, Long>> byTopic =
                    JSON.readValue(lines.get(2), new TypeReference<Map<String, Map<String, Long>>>() { });
            Map<Integer, Long> end = new TreeMap<>();
            byTopic.values().forEach(m -> m.forEach((p, o) -> end.merge(Integer.parseInt(p), o, Math::max)));
            return new Batch(id, meta.path("batchWatermarkMs").asLong(0), Collections.unmodifiableMap(end));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static Set<Long> batchIds(Path dir) {
        Set<Long> ids = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return ids;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("\\d+"))
                    .forEach(n -> ids.add(Long.parseLong(n)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return ids;
    }
}
