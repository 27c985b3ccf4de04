package io.streamingclicks.job.support;

import io.streamingclicks.accounting.spark.CheckpointLog;
import io.streamingclicks.accounting.spark.FileSourceLog;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Link 3 (docs/accounting.md) over one query's checkpoint, as the tests ask it: accounting's
 * {@link io.streamingclicks.accounting.links.Link3} decides, over {@link CheckpointLog} (the j-1 rule) and, on the
 * file source, {@link FileSourceLog}; this class only fetches the committed events and names what failed.
 */
public final class Link3 {

    private final Path checkpoint;
    private final CheckpointLog log;
    private final Map<String, Long> fileLog;

    private Link3(Path checkpoint, CheckpointLog log, Map<String, Long> fileLog) {
        this.checkpoint = checkpoint;
        this.log = log;
        this.fileLog = fileLog;
    }

    public static Link3 read(Path checkpoint) {
        return new Link3(checkpoint, CheckpointLog.read(checkpoint), FileSourceLog.read(checkpoint));
    }

    /** Whether the query counted an event of the window read at (partition, offset): yes while no batch filters it. */
    public boolean counted(Instant windowEnd, int partition, long offset) {
        return io.streamingclicks.accounting.links.Link3.counted(log.lateBoundary(windowEnd), partition, offset);
    }

    /** The file source: whether the query counted an event of the window read from landing file {@code file}. */
    public boolean counted(Instant windowEnd, String file) {
        Long logBatch = fileLog.get(file);
        if (logBatch == null) {
            throw new AssertionError(checkpoint.resolve("sources/0") + " lists no file " + file
                    + ", yet the events output says it was read");
        }
        return io.streamingclicks.accounting.links.Link3.countedFromFile(log, windowEnd, logBatch);
    }

    /**
     * The committed events of the window [start, end) by event id, in the order read: under {@code true} those the
     * query counted, under {@code false} those it dropped as late. A batch must already filter the window.
     */
    public Map<Boolean, List<String>> split(SparkSession spark, Path eventsOutput, Instant start, Instant end) {
        Optional<Map<Integer, Long>> boundary = log.lateBoundary(end);
        if (boundary.isEmpty()) {
            throw new AssertionError("no batch of " + checkpoint + " filters the window ending " + end
                    + " as late yet");
        }
        List<Row> events = Committed.rows(spark, eventsOutput, "select event_id, kafka_partition, kafka_offset"
                + " from t where event_time >= '" + Timestamp.from(start) + "' and event_time < '"
                + Timestamp.from(end) + "'");
        return events.stream().collect(Collectors.partitioningBy(
                r -> io.streamingclicks.accounting.links.Link3.counted(boundary, r.getInt(1), r.getLong(2)),
                Collectors.mapping(r -> r.getString(0), Collectors.toList())));
    }

    /**
     * Link 3, exact, for every window from {@code first} to {@code last}: Σpv(w) = the committed events of w below
     * the start offsets of the first batch that filters w as late (every event read so far while none does yet), as
     * accounting's {@code Link3.of} counts them. {@code root} is the data root, its pv query's checkpoint under
     * {@code chk/pv}; every boundary must name all {@code partitions}.
     */
    public static void assertPvIsTheCountedEvents(SparkSession spark, Path root, Instant first, Instant last,
                                                  Duration window, int partitions) {
        CheckpointLog pv = CheckpointLog.read(root.resolve("chk/pv"));
        long windowSeconds = window.toSeconds();
        List<io.streamingclicks.accounting.links.Link3.Event> events = Committed.rows(spark,
                root.resolve("parquet/events"), "select kafka_partition, kafka_offset,"
                        + " timestamp_seconds(floor(unix_seconds(event_time) / %d) * %d) from t"
                        .formatted(windowSeconds, windowSeconds)).stream()
                .map(r -> new io.streamingclicks.accounting.links.Link3.Event(r.getInt(0), r.getLong(1),
                        r.getTimestamp(2).toInstant()))
                .toList();
        io.streamingclicks.accounting.links.Link3 link3 = io.streamingclicks.accounting.links.Link3.of(pv, window,
                events);
        Map<Instant, Long> pvSums = new TreeMap<>();
        Committed.rows(spark, root.resolve("parquet/pv"), "select window_start, sum(pv) from t group by 1")
                .forEach(r -> pvSums.put(r.getTimestamp(0).toInstant(), r.getLong(1)));
        Map<Instant, Long> expected = new TreeMap<>();
        Map<Instant, Long> actual = new TreeMap<>();
        for (Instant w = first; !w.isAfter(last); w = w.plus(window)) {
            pv.lateBoundary(w.plus(window)).ifPresent(b -> assertThat(b).as("late boundary of a window")
                    .hasSize(partitions));
            expected.put(w, link3.counted(w));
            actual.put(w, pvSums.getOrDefault(w, 0L));
        }
        assertThat(actual).as("Σpv per window vs the events link 3 counts").isEqualTo(expected);
    }
}
