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
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Link 3 (docs/accounting.md) over the windows query's checkpoint, as the tests ask it. The windows query reads the
 * committed events files; its source log ({@code chk/windows/sources/0}) says which log batch listed each file, its
 * offsets which log batches each batch read. An event of window w was counted iff its file was read no later than
 * batch j-1, j the first batch whose late-row filter reaches w's end ({@link CheckpointLog#lateBoundaryBatch});
 * accounting's {@link io.streamingclicks.accounting.links.Link3#countedFromFile} decides, this class only fetches the
 * committed events with their files and names what failed.
 */
public final class Link3 {

    /** The Spark SQL expression of an event row's file name, as the source log names it (last segment, decoded). */
    public static final String FILE = "input_file_name()";

    private final Path checkpoint;
    private final CheckpointLog log;
    private final Map<String, Long> fileLog;

    private Link3(Path checkpoint, CheckpointLog log, Map<String, Long> fileLog) {
        this.checkpoint = checkpoint;
        this.log = log;
        this.fileLog = fileLog;
    }

    /** @param root the data root: reads {@code chk/windows} */
    public static Link3 read(Path root) {
        Path checkpoint = root.resolve("chk/windows");
        return new Link3(checkpoint, CheckpointLog.read(checkpoint), FileSourceLog.read(checkpoint));
    }

    /**
     * Whether the windows query counted an event of the window ending {@code windowEnd} held by events file
     * {@code file} (a path or URI; its last segment is the name). A file the query has not listed yet was not read: it
     * counts while no batch filters the window, and is late once one does.
     */
    public boolean counted(Instant windowEnd, String file) {
        Long logBatch = fileLog.get(FileSourceLog.fileName(file));
        if (logBatch == null) {
            return log.lateBoundaryBatch(windowEnd).isEmpty();
        }
        return io.streamingclicks.accounting.links.Link3.countedFromFile(log, windowEnd, logBatch);
    }

    /**
     * The committed events of the window [start, end) by event id: under {@code true} those the query counted, under
     * {@code false} those it dropped as late. A batch must already filter the window.
     */
    public Map<Boolean, List<String>> split(SparkSession spark, Path eventsOutput, Instant start, Instant end) {
        if (log.lateBoundaryBatch(end).isEmpty()) {
            throw new AssertionError("no batch of " + checkpoint + " filters the window ending " + end
                    + " as late yet");
        }
        List<Row> events = Committed.rows(spark, eventsOutput, "select event_id, " + FILE
                + " from t where event_time >= '" + Timestamp.from(start) + "' and event_time < '"
                + Timestamp.from(end) + "'");
        return events.stream().collect(Collectors.partitioningBy(r -> counted(end, r.getString(1)),
                Collectors.mapping(r -> r.getString(0), Collectors.toList())));
    }

    /**
     * Link 3, exact, for every window from {@code first} to {@code last}: Σpv(w) = the committed events of w that the
     * windows query counted. {@code root} is the data root.
     */
    public static void assertPvIsTheCountedEvents(SparkSession spark, Path root, Instant first, Instant last,
                                                  Duration window) {
        Link3 link3 = read(root);
        long windowSeconds = window.toSeconds();
        Map<Instant, Long> expected = new TreeMap<>();
        Committed.rows(spark, root.resolve("parquet/events"), ("select timestamp_seconds(floor(unix_seconds("
                        + "event_time) / %d) * %d), " + FILE + ", count(*) from t group by 1, 2")
                        .formatted(windowSeconds, windowSeconds))
                .forEach(r -> {
                    Instant w = r.getTimestamp(0).toInstant();
                    if (link3.counted(w.plus(window), r.getString(1))) {
                        expected.merge(w, r.getLong(2), Long::sum);
                    }
                });
        Map<Instant, Long> pvSums = new TreeMap<>();
        Committed.rows(spark, root.resolve("parquet/pv"), "select window_start, sum(pv) from t group by 1")
                .forEach(r -> pvSums.put(r.getTimestamp(0).toInstant(), r.getLong(1)));
        Map<Instant, Long> wanted = new TreeMap<>();
        Map<Instant, Long> actual = new TreeMap<>();
        for (Instant w = first; !w.isAfter(last); w = w.plus(window)) {
            wanted.put(w, expected.getOrDefault(w, 0L));
            actual.put(w, pvSums.getOrDefault(w, 0L));
        }
        assertThat(actual).as("Σpv per window vs the events link 3 counts").isEqualTo(wanted);
    }
}
