package io.streamingclicks.accounting.links;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;

import io.streamingclicks.accounting.iceberg.IngestHighWater;
import io.streamingclicks.accounting.spark.BatchOffsets;
import io.streamingclicks.accounting.spark.CheckpointLog;

/**
 * Link 3, what the ingest query wrote to what the windows query counted (docs/accounting.md). The windows query is a
 * file source over the committed events parquet files, so an event row is identified by the events file holding it:
 * that file's name (the last path segment, URI escapes decoded, as {@code chk/windows/sources/0} names it, see
 * {@link io.streamingclicks.accounting.spark.FileSourceLog#fileName}) and the first log batch of the windows query's
 * source log that listed it. Per window, an event was counted iff its file's log batch is {@code <=} the
 * {@code logOffset} of batch j-1 ({@link CheckpointLog#lateBoundaryBatch}: j is the first batch whose late-row
 * filter, the watermark of batch j-1, reaches the window's end); otherwise it was dropped as late. A file the source
 * log does not list was not read yet: for a window the query has sealed every batch that reads it filters with a
 * watermark past the window's end, so its events are dropped as late too. The same for the Kafka and the files
 * variant of the ingest query. So Σpv(window) = {@code counted}, exactly, for a window the windows query has sealed;
 * uv and topn come from the same rows of the same batches. On the Iceberg format ({@link #ofTable}) the windows
 * query streams the events table instead, and the key is the ingest batch that wrote the row.
 *
 * @param windows per window start, the split
 */
public record Link3(Map<Instant, Window> windows) {

    /**
     * One committed row of {@code parquet/events}: the events file holding it (its decoded name, no directory) and
     * the start of the window its event time falls in.
     */
    public record Event(String eventsFile, Instant windowStart) {
    }

    /**
     * @param boundary the {@code logOffset} of batch j-1, empty when no planned batch's watermark reaches the
     *                 window's end yet (every event of it read so far was counted)
     */
    public record Window(Instant start, long counted, long droppedLate, Optional<Long> boundary) {
    }

    /**
     * @param windowsLog       the windows query's checkpoint ({@code chk/windows})
     * @param windowsSourceLog its file-source log ({@code FileSourceLog.read(chk/windows)}): events file name to
     *                         the first log batch that listed it
     * @param size             the window length
     * @param events           the committed rows of {@code parquet/events}
     */
    public static Link3 of(CheckpointLog windowsLog, Map<String, Long> windowsSourceLog, Duration size,
                           Collection<Event> events) {
        return split(windowsLog, Link3::logOffset, size, events, Event::windowStart,
                e -> windowsSourceLog.get(e.eventsFile()));
    }

    /**
     * One committed row of the {@code events} table (Iceberg format): the ingest batch that wrote it
     * ({@link io.streamingclicks.accounting.spark.IngestBatches}; null when no planned batch of {@code chk/ingest}
     * read it) and the start of the window its event time falls in.
     */
    public record TableEvent(Long ingestBatch, Instant windowStart) {
    }

    /**
     * Link 3 on the Iceberg format: the windows query streams the events table, and its offsets name snapshots.
     * An event was counted iff the ingest batch that wrote it is {@code <=} the high-water of batch j-1 (the highest
     * ingest batch in the snapshots up to its offset, {@link IngestHighWater}); otherwise it was dropped as late. A
     * row of no known ingest batch was not read before the window was sealed: late too. The window's
     * {@link Window#boundary} is that high-water.
     *
     * @throws IllegalStateException when a boundary batch's high-water cannot be told (its snapshot expired)
     */
    public static Link3 ofTable(CheckpointLog windowsLog, IngestHighWater highWater, Duration size,
                                Collection<TableEvent> events) {
        return split(windowsLog, b -> readTo(b, highWater), size, events, TableEvent::windowStart,
                TableEvent::ingestBatch);
    }

    /** Per window, events whose read position ({@code key}) is at or below the boundary batch's are counted. */
    private static <E> Link3 split(CheckpointLog windowsLog, Function<BatchOffsets, Long> boundaryOf, Duration size,
                                   Collection<E> events, Function<E, Instant> windowStart, Function<E, Long> key) {
        Map<Instant, Optional<Long>> boundaries = new HashMap<>();
        Map<Instant, long[]> split = new TreeMap<>();
        for (E e : events) {
            Instant start = windowStart.apply(e);
            Optional<Long> boundary = boundaries.computeIfAbsent(start, w -> windowsLog
                    .lateBoundaryBatch(w.plus(size)).map(boundaryOf));
            Long k = key.apply(e);
            boolean counted = boundary.map(b -> k != null && k <= b).orElse(k != null);
            split.computeIfAbsent(start, w -> new long[2])[counted ? 0 : 1]++;
        }
        Map<Instant, Window> out = new TreeMap<>();
        split.forEach((w, n) -> out.put(w, new Window(w, n[0], n[1], boundaries.get(w))));
        return new Link3(out);
    }

    /**
     * Whether the windows query counted an event of the window ending {@code windowEnd} read from an events file its
     * source log ({@link io.streamingclicks.accounting.spark.FileSourceLog#read}) listed in log batch
     * {@code logBatch}: iff that log batch is {@code <=} the {@code logOffset} of the boundary batch j-1
     * ({@link CheckpointLog#lateBoundaryBatch}); counted while no batch filters the window. A file the log does not
     * list was not read: not counted, for a sealed window (see the class comment).
     */
    public static boolean countedFromFile(CheckpointLog windowsLog, Instant windowEnd, long logBatch) {
        return windowsLog.lateBoundaryBatch(windowEnd).map(b -> logBatch <= logOffset(b)).orElse(true);
    }

    /**
     * Whether the windows query (Iceberg format) counted an event of the window ending {@code windowEnd} that ingest
     * batch {@code ingestBatch} wrote: iff that batch is {@code <=} the high-water of the boundary batch j-1; counted
     * while no batch filters the window.
     */
    public static boolean countedFromIngestBatch(CheckpointLog windowsLog, IngestHighWater highWater,
                                                 Instant windowEnd, long ingestBatch) {
        return windowsLog.lateBoundaryBatch(windowEnd).map(b -> ingestBatch <= readTo(b, highWater)).orElse(true);
    }

    private static long readTo(BatchOffsets b, IngestHighWater highWater) {
        if (b.tableOffset() == null) {
            throw new IllegalArgumentException("batch " + b.batchId() + " did not read an Iceberg table: link 3 of"
                    + " the Iceberg format reads the windows query's checkpoint (chk/windows) of a job with"
                    + " --format iceberg");
        }
        OptionalLong readTo = highWater.readTo(b.tableOffset());
        if (readTo.isEmpty()) {
            throw new IllegalStateException("batch " + b.batchId() + " of the windows query read the events table up"
                    + " to snapshot " + b.tableOffset().snapshotId() + " (position " + b.tableOffset().position()
                    + "), and which ingest batches that covers cannot be told: a snapshot of its ancestry is no"
                    + " longer in the table (expired), or it read only part of one");
        }
        return readTo.getAsLong();
    }

    private static long logOffset(BatchOffsets b) {
        if (b.fileLogOffset() == null) {
            throw new IllegalArgumentException("batch " + b.batchId() + " read Kafka offsets, not a file-source log:"
                    + " link 3 reads the windows query's checkpoint (chk/windows), not the ingest query's");
        }
        return b.fileLogOffset();
    }

    /** The events counted in the window starting at {@code start}; 0 for a window with no event read. */
    public long counted(Instant start) {
        Window w = windows.get(start);
        return w == null ? 0 : w.counted();
    }
}
