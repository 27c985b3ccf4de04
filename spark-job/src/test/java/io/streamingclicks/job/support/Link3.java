package io.streamingclicks.job.support;

import io.streamingclicks.job.accounting.OffsetLog;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Link 3 (docs/accounting.md) over a Kafka query's checkpoint, the one place the tests take it from: of a window's
 * events, those below the start offsets of the first batch whose late-row filter reached the window's end were
 * counted, the others dropped as late (Spark 3.5 filters batch j with the watermark of batch j-1; the checkpoint
 * reader applies that rule).
 */
public final class Link3 {

    private final Path checkpoint;
    private final OffsetLog log;

    private Link3(Path checkpoint, OffsetLog log) {
        this.checkpoint = checkpoint;
        this.log = log;
    }

    public static Link3 read(Path checkpoint) {
        return new Link3(checkpoint, OffsetLog.read(checkpoint));
    }

    /** Start offsets per partition of the first batch that filters the window as late; fails while none does. */
    public Map<Integer, Long> boundary(Instant windowEnd) {
        return log.lateBoundary(windowEnd).orElseThrow(() -> new AssertionError(
                "no batch of " + checkpoint + " filters the window ending " + windowEnd + " as late yet"));
    }

    /** Whether the query counted an event of the window read at (partition, offset): yes while no batch filters it. */
    public boolean counted(Instant windowEnd, int partition, long offset) {
        return log.lateBoundary(windowEnd).map(b -> offset < b.getOrDefault(partition, 0L)).orElse(true);
    }

    /**
     * The committed events of the window [start, end) by event id, in the order read: under {@code true} those the
     * query counted, under {@code false} those it dropped as late. A batch must already filter the window.
     */
    public Map<Boolean, List<String>> split(SparkSession spark, Path eventsOutput, Instant start, Instant end) {
        Map<Integer, Long> boundary = boundary(end);
        List<Row> events = Committed.rows(spark, eventsOutput, "select event_id, kafka_partition, kafka_offset"
                + " from t where event_time >= '" + Timestamp.from(start) + "' and event_time < '"
                + Timestamp.from(end) + "'");
        return events.stream().collect(Collectors.partitioningBy(r -> r.getLong(2) < boundary.get(r.getInt(1)),
                Collectors.mapping(r -> r.getString(0), Collectors.toList())));
    }

    /**
     * Link 3, exact, for every window from {@code first} to {@code last}: Σpv(w) = the committed events of w below
     * the start offsets of the first batch that filters w as late (every event read so far while none does yet).
     * {@code root} is the data root, its pv query's checkpoint under {@code chk/pv}.
     */
    public static void assertPvIsTheCountedEvents(SparkSession spark, Path root, Instant first, Instant last,
                                                  Duration window, int partitions) {
        Link3 pv = read(root.resolve("chk/pv"));
        List<Row> bounds = new ArrayList<>();
        int windows = 0;
        for (Instant w = first; !w.isAfter(last); w = w.plus(window)) {
            windows++;
            // No batch filters the newest windows yet: every event of them read so far was counted.
            Map<Integer, Long> b = pv.log.lateBoundary(w.plus(window)).orElseGet(() -> IntStream.range(0, partitions)
                    .boxed().collect(Collectors.toMap(p -> p, p -> Long.MAX_VALUE)));
            for (var e : b.entrySet()) {
                bounds.add(RowFactory.create(Timestamp.from(w), e.getKey(), e.getValue()));
            }
        }
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("window_start", DataTypes.TimestampType, false),
                DataTypes.createStructField("kafka_partition", DataTypes.IntegerType, false),
                DataTypes.createStructField("start_offset", DataTypes.LongType, false)));
        spark.createDataFrame(bounds, schema).createOrReplaceTempView("bounds");
        Committed.read(spark, root.resolve("parquet/events")).createOrReplaceTempView("events");
        Committed.read(spark, root.resolve("parquet/pv")).createOrReplaceTempView("pv");
        long windowSeconds = window.toSeconds();
        List<Row> mismatches = spark.sql("""
                with expected as (
                  select b.window_start, count(e.event_id) as n
                  from bounds b left join events e
                    on e.kafka_partition = b.kafka_partition and e.kafka_offset < b.start_offset
                   and timestamp_seconds(floor(unix_seconds(e.event_time) / %d) * %d) = b.window_start
                  group by b.window_start),
                actual as (select window_start, sum(pv) as n from pv group by window_start)
                select x.window_start, x.n as expected, a.n as actual
                from expected x full outer join actual a on x.window_start = a.window_start
                where x.window_start is not null and coalesce(x.n, -1) <> coalesce(a.n, 0)
                """.formatted(windowSeconds, windowSeconds)).collectAsList();
        assertThat(mismatches).isEmpty();
        assertThat(spark.sql("select count(*) from bounds").first().getLong(0)).isEqualTo((long) windows * partitions);
    }
}
