package io.streamingclicks.accounting.links;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.streamingclicks.accounting.spark.CheckpointLog;

/**
 * Link 3, what the job read to what a windowed query counted (docs/accounting.md): per window of the query, the
 * events of that window read below the query's late boundary were counted, the rest dropped as late. The boundary is
 * {@link CheckpointLog#lateBoundary}: the start offsets of the first batch j whose late-row filter, which uses the
 * watermark of batch j-1, reaches the window's end. So Σpv(window) = {@code counted}, exactly, for a window the
 * query has sealed.
 *
 * @param windows per window start, the split
 */
public record Link3(Map<Instant, Window> windows) {

    /** One event the query read: where from, and the start of the window its event time falls in. */
    public record Event(int partition, long offset, Instant windowStart) {
    }

    /**
     * @param boundary the late boundary per partition, empty when no batch filters the window yet (all counted)
     */
    public record Window(Instant start, long counted, long droppedLate, Optional<Map<Integer, Long>> boundary) {
    }

    /**
     * @param log    the query's checkpoint (the pv or uv query, not the events query: each has its own batches)
     * @param size   the window length
     * @param events the events the query read (from the events output: the same Kafka records)
     */
    public static Link3 of(CheckpointLog log, Duration size, Collection<Event> events) {
        Map<Instant, Optional<Map<Integer, Long>>> boundaries = new HashMap<>();
        Map<Instant, long[]> split = new TreeMap<>();
        for (Event e : events) {
            Optional<Map<Integer, Long>> b = boundaries.computeIfAbsent(e.windowStart(),
                    w -> log.lateBoundary(w.plus(size)));
            // A partition the boundary batch does not name was not read yet then: all of it comes later, as late.
            boolean counted = b.map(m -> e.offset() < m.getOrDefault(e.partition(), 0L)).orElse(true);
            split.computeIfAbsent(e.windowStart(), w -> new long[2])[counted ? 0 : 1]++;
        }
        Map<Instant, Window> out = new TreeMap<>();
        split.forEach((w, n) -> out.put(w, new Window(w, n[0], n[1], boundaries.get(w))));
        return new Link3(out);
    }

    /** The events counted in the window starting at {@code start}; 0 for a window with no event read. */
    public long counted(Instant start) {
        Window w = windows.get(start);
        return w == null ? 0 : w.counted();
    }
}
