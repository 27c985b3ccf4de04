package io.streamingclicks.accounting.spark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Which ingest batch read a record, from the ingest query's checkpoint alone: link 3's key of an events row on the
 * Iceberg format, where the row's data file says nothing durable (compaction rewrites the files; the row stays).
 * Kafka: batch N read {@code [end of N-1, end of N)} of each partition ({@code offsets/N}), so a record's batch is the
 * first planned batch whose end offset is above it. Files: batch N read the source log's batches
 * {@code (logOffset of N-1, logOffset of N]}, so a landing file's batch is the first planned batch whose
 * {@code logOffset} reaches the log batch that listed it ({@code chk/ingest/sources/0}).
 *
 * <p>Every planned batch counts, committed or not: on Iceberg a batch's rows are in the table once its snapshot is
 * committed, which may be before {@code commits/N} (a kill in between; the redo is skipped, the rows stay). Spark
 * keeps the last 100 {@code offsets/N}, the older committed batches come from the checkpoint's {@link BatchHistory}
 * ({@link CheckpointLog#read}); on a data root from before the history, a record below the oldest known batch's
 * range is given that batch, an upper bound (exact for every window whose boundary read at least that far).
 */
public final class IngestBatches {

    /** Batch {@code batchId} read {@code [startOffset, endOffset)} of the partition (start null: oldest known). */
    public record KafkaRange(int partition, Long startOffset, long endOffset, long batchId) {
    }

    private final Map<Integer, TreeMap<Long, KafkaRange>> byEnd = new HashMap<>();
    private final List<KafkaRange> ranges = new ArrayList<>();
    private final Map<String, Long> files = new TreeMap<>();

    /**
     * @param ingest          the ingest query's checkpoint ({@code chk/ingest})
     * @param ingestSourceLog its file-source log, {@code FileSourceLog.read(chk/ingest)}: landing file name to the
     *                        log batch that listed it (empty for Kafka)
     */
    public IngestBatches(CheckpointLog ingest, Map<String, Long> ingestSourceLog) {
        this(ingest.batches(), ingestSourceLog);
    }

    /** As above, over the ingest query's planned batches in order ({@link CheckpointLog#batches()}). */
    public IngestBatches(List<BatchOffsets> ingest, Map<String, Long> ingestSourceLog) {
        Map<Integer, Long> previous = new HashMap<>();
        TreeMap<Long, Long> batchByLogOffset = new TreeMap<>();
        for (BatchOffsets b : ingest) {
            for (Map.Entry<Integer, Long> e : b.endOffsets().entrySet()) {
                Long start = previous.get(e.getKey());
                if (start == null || e.getValue() > start) {
                    KafkaRange r = new KafkaRange(e.getKey(), start, e.getValue(), b.batchId());
                    ranges.add(r);
                    byEnd.computeIfAbsent(e.getKey(), p -> new TreeMap<>()).put(e.getValue(), r);
                }
                previous.put(e.getKey(), e.getValue());
            }
            if (b.fileLogOffset() != null) {
                batchByLogOffset.putIfAbsent(b.fileLogOffset(), b.batchId());
            }
        }
        ingestSourceLog.forEach((file, logBatch) -> {
            Map.Entry<Long, Long> first = batchByLogOffset.ceilingEntry(logBatch);
            if (first != null) {
                files.put(file, first.getValue());
            }
        });
    }

    /** The batch that read offset {@code offset} of Kafka partition {@code partition}; empty when none has yet. */
    public OptionalLong ofKafka(int partition, long offset) {
        TreeMap<Long, KafkaRange> ends = byEnd.get(partition);
        Map.Entry<Long, KafkaRange> e = ends == null ? null : ends.higherEntry(offset);
        return e == null ? OptionalLong.empty() : OptionalLong.of(e.getValue().batchId());
    }

    /** The batch that read the landing file {@code name}; empty when none has yet. */
    public OptionalLong ofFile(String name) {
        Long b = files.get(name);
        return b == null ? OptionalLong.empty() : OptionalLong.of(b);
    }

    /** Every non-empty range a planned batch read, per partition in offset order. */
    public List<KafkaRange> kafkaRanges() {
        return List.copyOf(ranges);
    }

    /** Landing file name to the batch that read it. */
    public Map<String, Long> files() {
        return Map.copyOf(files);
    }
}
