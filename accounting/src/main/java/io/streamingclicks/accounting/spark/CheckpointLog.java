package io.streamingclicks.accounting.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.streamingclicks.accounting.iceberg.StreamingOffset;

/**
 * A query's checkpoint ({@code chk/<query>/offsets/N}: {@code v1}, the batch metadata JSON with
 * {@code batchWatermarkMs}, then the Kafka source's end offsets {@code {"topic":{"0":n,...}}}, the file source's
 * {@code {"logOffset":n}} or Iceberg's streaming source's {@link StreamingOffset}; {@code commits/N} once batch N
 * committed) read into {@link BatchOffsets}, in batch order.
 * It reads durable state only, so it answers the same after a SIGKILL. Spark's log retention deletes old batches at
 * any time (it keeps the last {@code spark.sql.streaming.minBatchesToRetain}, 100): a file gone between listing and
 * reading is left out, and the batches the job recorded in the checkpoint's {@link BatchHistory} before Spark purged
 * them are read from there, so every batch since the history began is here.
 *
 * <p>It answers link 3 (docs/accounting.md): from which offsets on a window's events were dropped as late. Spark
 * 3.5.7 filters late rows of batch N with the watermark of batch N-1: MicroBatchExecution builds the
 * IncrementalExecution with {@code offsetLog.offsetSeqMetadataForBatchId(currentBatchId - 1)} as
 * {@code prevOffsetSeqMetadata}; {@code IncrementalExecution.state} propagates that watermark to batch N-1 and
 * {@code PropagateWatermarkSimulator.getInputWatermarkForLateEvents(batchId)} returns the one of {@code batchId - 1}
 * (the default, {@code spark.sql.streaming.statefulOperator.allowMultiple=true}). The filter drops a row whose window
 * end is {@code <=} that watermark ({@code WatermarkSupport.watermarkExpression}: {@code window.end <= wm}).
 * Batch 0 has no previous batch and filters nothing.
 */
public final class CheckpointLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TreeMap<Long, BatchOffsets> batches;

    private CheckpointLog(TreeMap<Long, BatchOffsets> batches) {
        this.batches = batches;
    }

    /**
     * The batches of the checkpoint under {@code checkpoint}: those of {@code offsets/} and {@code commits/}, and
     * under them the older ones of its {@link BatchHistory} (what the live files say of a batch wins); none when it
     * has neither.
     */
    public static CheckpointLog read(Path checkpoint) {
        TreeMap<Long, BatchOffsets> out = readLive(checkpoint);
        // The history after the live files: a batch Spark purged after we listed it was recorded before the purge
        // (the job records batch N-1 when batch N starts; Spark purges below N - minBatchesToRetain), so it is in
        // the history read now. Read the other way round, a batch recorded and purged in between would be in neither.
        BatchHistory.read(checkpoint).forEach(out::putIfAbsent);
        return new CheckpointLog(out);
    }

    /** Only what {@code offsets/} and {@code commits/} hold now: the last batches Spark retains. */
    public static CheckpointLog readRetained(Path checkpoint) {
        return new CheckpointLog(readLive(checkpoint));
    }

    private static TreeMap<Long, BatchOffsets> readLive(Path checkpoint) {
        Path offsets = checkpoint.resolve("offsets");
        Set<Long> committed = new HashSet<>(batchIds(checkpoint.resolve("commits")));
        TreeMap<Long, BatchOffsets> out = new TreeMap<>();
        for (long id : batchIds(offsets)) {
            Path f = offsets.resolve(Long.toString(id));
            List<String> lines;
            try {
                lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                continue; // purged by Spark's log retention while we listed
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
            out.put(id, parse(f.toString(), id, lines, committed.contains(id)));
        }
        return out;
    }

    /** Every planned batch ({@code offsets/N}), in order. */
    public List<BatchOffsets> batches() {
        return List.copyOf(batches.values());
    }

    public Optional<BatchOffsets> batch(long id) {
        return Optional.ofNullable(batches.get(id));
    }

    /** The last planned batch, committed or not. */
    public Optional<BatchOffsets> last() {
        return batches.isEmpty() ? Optional.empty() : Optional.of(batches.lastEntry().getValue());
    }

    public Optional<BatchOffsets> lastCommitted() {
        return batches.descendingMap().values().stream().filter(BatchOffsets::committed).findFirst();
    }

    /** Whether every planned batch has committed: the query stopped between batches (or has planned none). */
    public boolean allCommitted() {
        return batches.values().stream().allMatch(BatchOffsets::committed);
    }

    /** The watermark of the latest committed batch: what the query has sealed and written; null before any. */
    public Long committedWatermark() {
        return committedWatermark(batches.values());
    }

    /** As {@link #committedWatermark()}, over batches in order (as {@link #batches()} gives them). */
    public static Long committedWatermark(Iterable<BatchOffsets> batches) {
        Long w = null;
        for (BatchOffsets b : batches) {
            if (b.committed()) {
                w = b.watermarkMs();
            }
        }
        return w;
    }

    /** The watermark Spark 3.5 uses to drop late rows in batch {@code id}: the one of the batch before (see above). */
    public long lateFilterWatermarkMs(long id) {
        BatchOffsets previous = batches.get(id - 1);
        return previous == null ? Long.MIN_VALUE : previous.watermarkMs();
    }

    /**
     * For a window ending at {@code windowEnd}: the start offsets, per partition, of the first batch whose late-row
     * filter watermark is {@code >= windowEnd} (the end offsets of the batch before it). Events of the window below
     * them were counted, the others dropped as late. Empty while no planned batch's watermark reaches the window's
     * end: every event of it read so far was counted.
     */
    public Optional<Map<Integer, Long>> lateBoundary(Instant windowEnd) {
        return lateBoundaryBatch(windowEnd).map(BatchOffsets::endOffsets);
    }

    /**
     * The batch whose end is {@link #lateBoundary}: batch j-1 of the first batch j whose late-row filter watermark is
     * {@code >= windowEnd}, i.e. the first planned batch whose own watermark is {@code >= windowEnd}. Batch j need
     * not be planned yet: whenever it runs, it filters with that watermark, so whatever it reads of the window is
     * dropped. On the file source its {@link BatchOffsets#fileLogOffset} is the boundary: files of the source log up
     * to it were read before the window was filtered; on Iceberg's streaming source its
     * {@link BatchOffsets#tableOffset}: the ingest batches in the snapshots up to it
     * ({@link io.streamingclicks.accounting.iceberg.IngestHighWater}). Empty while no planned batch's watermark reaches
     * the window.
     */
    public Optional<BatchOffsets> lateBoundaryBatch(Instant windowEnd) {
        long end = windowEnd.toEpochMilli();
        return batches.values().stream().filter(b -> b.watermarkMs() >= end).findFirst();
    }

    /**
     * Whether {@link #lateBoundaryBatch} of the window ending {@code windowEnd} is certainly the first batch whose
     * watermark reached it: it is batch 0, or the batch before it is known (watermarks only grow, so every earlier
     * batch is below the window's end too), or no batch reaches the window yet. Not when the batches before it are
     * gone: purged by Spark's retention before the checkpoint had a {@link BatchHistory} (a data root written by an
     * earlier version of the job); the batch that first sealed the window may then be an earlier one, whose end is
     * smaller.
     */
    public boolean lateBoundaryExact(Instant windowEnd) {
        return lateBoundaryBatch(windowEnd).map(b -> b.batchId() == 0 || batches.containsKey(b.batchId() - 1))
                .orElse(true);
    }

    static BatchOffsets parse(String where, long id, List<String> lines, boolean committed) {
        if (lines.size() < 2 || !lines.get(0).strip().startsWith("v")) {
            throw new IllegalArgumentException(where + ": expected a version line and batch metadata");
        }
        try {
            JsonNode meta = JSON.readTree(lines.get(1));
            long watermark = meta.path("batchWatermarkMs").asLong(0);
            Map<Integer, Long> end = new TreeMap<>();
            // Line 3 is the Kafka source's offsets, the file source's {"logOffset":n} or Iceberg's streaming offset
            // ({"version":1,"snapshot_id":s,...}, whose numbers are no partitions either).
            if (lines.size() > 2 && lines.get(2).strip().startsWith("{")) {
                JsonNode source = JSON.readTree(lines.get(2));
                if (source.path("logOffset").canConvertToLong()) {
                    return new BatchOffsets(id, watermark, Map.of(), committed, source.get("logOffset").asLong());
                }
                StreamingOffset table = StreamingOffset.of(source);
                if (table != null) {
                    return new BatchOffsets(id, watermark, Map.of(), committed, null, table);
                }
                for (Iterator<JsonNode> topics = source.elements(); topics.hasNext(); ) {
                    JsonNode parts = topics.next();
                    if (!parts.isObject()) {
                        continue;
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> it = parts.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        if (e.getKey().matches("\\d+") && e.getValue().canConvertToLong()) {
                            end.merge(Integer.parseInt(e.getKey()), e.getValue().asLong(), Math::max);
                        }
                    }
                }
            }
            return new BatchOffsets(id, watermark, Map.copyOf(end), committed);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": not JSON: " + e.getMessage(), e);
        }
    }

    /** Batch ids named in {@code dir} ({@code N}; {@code .N.crc} and temp files are not batches), ascending. */
    static List<Long> batchIds(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+"))
                    .map(Long::parseLong).sorted().toList());
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
