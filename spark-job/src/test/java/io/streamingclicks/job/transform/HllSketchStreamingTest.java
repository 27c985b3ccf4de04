package io.streamingclicks.job.transform;

import io.streamingclicks.job.support.TestSpark;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hll_sketch_agg;
import static org.apache.spark.sql.functions.hll_union_agg;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Spark 3.5's {@code hll_sketch_agg} kept in a streaming aggregation's state store: per-(window, page) sketches built
 * over several micro-batches and a restart from the checkpoint, sealed by the watermark in append mode, must be the
 * same Apache DataSketches HLL_8 sketch a batch query builds over the same events (upstream tests the function only
 * in batch). Reads JSON clicks from a temp dir as a file stream; writes a Parquet file sink.
 */
class HllSketchStreamingTest {

    /** UV_RSD's default: lgK = ceil(2·log2(1.04 / 0.01)) = 14. */
    private static final int LG_K = lgKFor(0.01);

    private static final String[] PAGES = {"/a", "/b", "/c"};
    private static final Instant WINDOW_A = Instant.parse("2026-01-01T12:00:00Z");
    private static final Instant WINDOW_B = Instant.parse("2026-01-01T12:01:00Z");
    /** Above lgK 14's coupon-set regime, so window A's sketches are dense HLL arrays. */
    private static final int USERS_A = 6_000;
    /** Below it, so window B's sketches stay coupon sets (the other serialized form). */
    private static final int USERS_B = 500;

    private static final StructType CLICKS = DataTypes.createStructType(List.of(
            DataTypes.createStructField("user_id", DataTypes.StringType, false),
            DataTypes.createStructField("page_id", DataTypes.StringType, false),
            DataTypes.createStructField("event_time", DataTypes.TimestampType, false)));
    private static final StructType SEALED = DataTypes.createStructType(List.of(
            DataTypes.createStructField("window_start", DataTypes.TimestampType, false),
            DataTypes.createStructField("page_id", DataTypes.StringType, false),
            DataTypes.createStructField("pv", DataTypes.LongType, false),
            DataTypes.createStructField("sketch", DataTypes.BinaryType, false)));

    /** Where a dense sketch's HIP accumulator (a double) and its registers start (DataSketches HLL preamble). */
    private static final int HIP_ACCUMULATOR = 8;
    private static final int DENSE_REGISTERS = 40;

    @TempDir
    static Path dir;

    private static SparkSession spark;
    /** Every click fed to the stream, by micro-batch. */
    private static final List<List<Click>> BATCHES = new ArrayList<>();
    /** What the query had done and held before it was stopped, and after its restart. */
    private static long dataBatchesBeforeStop;
    private static long stateRowsBeforeStop;
    private static long sinkRowsBeforeStop;
    private static long sinkRowsBeforeSealing;
    private static long stateRowsAfterRestart;
    /** (window start, page) -> sketch bytes, as the stream sealed them. */
    private static Map<String, byte[]> sealed;

    record Click(String user, String page, Instant time) {
        String json() {
            return "{\"user_id\":\"" + user + "\",\"page_id\":\"" + page + "\",\"event_time\":\"" + time + "\"}";
        }
    }

    @BeforeAll
    static void streamAcrossARestart() throws Exception {
        spark = TestSpark.get();
        Files.createDirectories(dir.resolve("in"));
        splitIntoBatches();

        StreamingQuery first = start();
        land(0);
        land(1);
        first.processAllAvailable();
        dataBatchesBeforeStop = Arrays.stream(first.recentProgress()).filter(p -> p.numInputRows() > 0).count();
        stateRowsBeforeStop = first.lastProgress().stateOperators()[0].numRowsTotal();
        sinkRowsBeforeStop = sinkRows().count();
        first.stop();

        StreamingQuery second = start();
        land(2);
        second.processAllAvailable();
        stateRowsAfterRestart = second.lastProgress().stateOperators()[0].numRowsTotal();
        sinkRowsBeforeSealing = sinkRows().count();
        land(3);
        second.processAllAvailable();
        second.stop();

        sealed = byKey(sinkRows());
    }

    /** A failed set-up must not leave a query running into the next test class on the shared session. */
    @AfterAll
    static void stopQueries() throws TimeoutException {
        for (StreamingQuery query : spark.streams().active()) {
            query.stop();
        }
    }

    @Test
    void stateKeepsPartialSketchesAcrossARestartUntilTheWatermarkSealsTheWindow() {
        // Two micro-batches, then 3 pages × windows A and B open in state, nothing emitted yet in append mode.
        assertThat(dataBatchesBeforeStop).isEqualTo(2);
        assertThat(stateRowsBeforeStop).isEqualTo(6);
        assertThat(sinkRowsBeforeStop).isZero();
        assertThat(stateRowsAfterRestart).isEqualTo(6);
        assertThat(sinkRowsBeforeSealing).isZero();
        // The tick at 12:03:30 moves the watermark to 12:02:30: A and B are sealed, the tick's window is not.
        assertThat(sealed.keySet()).containsExactlyInAnyOrder(
                key(WINDOW_A, "/a"), key(WINDOW_A, "/b"), key(WINDOW_A, "/c"),
                key(WINDOW_B, "/a"), key(WINDOW_B, "/b"), key(WINDOW_B, "/c"));
    }

    /**
     * Not byte for byte: a dense sketch also carries its HIP accumulator (bytes 8..15), which depends on the order the
     * users arrived in, and a coupon set's hash-table layout does too. What is equal is what every later union and the
     * composite estimate read: the registers (dense) or the coupons (set), and every other header byte.
     */
    @Test
    void aSealedSketchHoldsTheRegistersOfTheBatchSketchOfTheSameEvents() {
        Map<String, byte[]> batch = byKey(batchSketches(LG_K));
        assertThat(batch.keySet()).containsAll(sealed.keySet());
        sealed.forEach((key, bytes) -> {
            byte[] reference = batch.get(key);
            assertThat(Arrays.mismatch(content(bytes), content(reference))).as(key + ": first differing entry")
                    .isEqualTo(-1);
            assertThat(HllSketch.heapify(bytes).getCompositeEstimate()).as(key)
                    .isEqualTo(HllSketch.heapify(reference).getCompositeEstimate());
        });
        for (String page : PAGES) {
            byte[] stream = sealed.get(key(WINDOW_A, page));
            byte[] reference = batch.get(key(WINDOW_A, page));
            assertThat(Arrays.copyOfRange(stream, 0, HIP_ACCUMULATOR)).isEqualTo(
                    Arrays.copyOfRange(reference, 0, HIP_ACCUMULATOR));
            assertThat(Arrays.mismatch(Arrays.copyOfRange(stream, HIP_ACCUMULATOR + 8, stream.length),
                    Arrays.copyOfRange(reference, HIP_ACCUMULATOR + 8, reference.length))).as(page).isEqualTo(-1);
        }
    }

    @Test
    void theComparisonCanFail_aBatchReferenceWithAnotherLgKHoldsOtherRegisters() {
        Map<String, byte[]> batch = byKey(batchSketches(LG_K - 2));
        sealed.forEach((key, bytes) -> assertThat(content(bytes)).as(key).isNotEqualTo(content(batch.get(key))));
    }

    @Test
    void theBytesAreDataSketchesHll8WithinTwoSigmaOfTheExactCount() {
        sealed.forEach((key, bytes) -> {
            HllSketch sketch = HllSketch.heapify(bytes);
            assertThat(sketch.getLgConfigK()).as(key).isEqualTo(LG_K);
            assertThat(sketch.getTgtHllType()).as(key).isEqualTo(TgtHllType.HLL_8);
        });
        for (String page : PAGES) {
            HllSketch sketch = HllSketch.heapify(sealed.get(key(WINDOW_A, page)));
            long exact = distinctUsers(WINDOW_A, page);
            assertThat(exact).isGreaterThan(2_000);
            assertThat(sketch.isEstimationMode()).isTrue();
            assertThat((double) exact).as(page).isBetween(sketch.getLowerBound(2), sketch.getUpperBound(2));
        }
        HllSketch windowA = unionOf(WINDOW_A);
        long exact = distinctUsers(WINDOW_A, null);
        assertThat(exact).isGreaterThanOrEqualTo(5_000);
        assertThat((double) exact).isBetween(windowA.getLowerBound(2), windowA.getUpperBound(2));
    }

    @Test
    void unionOfThePageSketchesIsTheSketchOfTheWindowIgnoringPage() {
        Map<Instant, byte[]> sparkUnion = byWindow(sinkRows().groupBy("window_start")
                .agg(hll_union_agg(col("sketch")).as("sketch")));
        Map<Instant, byte[]> ignoringPage = byWindow(clicks(spark.read().schema(CLICKS))
                .groupBy(window(col("event_time"), "1 minute"))
                .agg(hll_sketch_agg(col("user_id"), LG_K).as("sketch"))
                .select(col("window.start"), col("sketch")));

        for (Instant window : List.of(WINDOW_A, WINDOW_B)) {
            byte[] javaUnion = unionOf(window).toUpdatableByteArray();
            assertThat(Arrays.mismatch(content(sparkUnion.get(window)), content(ignoringPage.get(window))))
                    .as(window + ": Spark's union against the sketch ignoring page").isEqualTo(-1);
            assertThat(Arrays.mismatch(content(javaUnion), content(sparkUnion.get(window))))
                    .as(window + ": Java's union against Spark's").isEqualTo(-1);
            // A union of several dense sketches is flagged out of order and estimated from its registers alone (the
            // composite estimator), and a coupon set from its coupon count, so these estimates do not depend on the
            // order the sketches were merged in.
            assertThat(HllSketch.heapify(javaUnion).getEstimate()).as(window.toString())
                    .isEqualTo(HllSketch.heapify(sparkUnion.get(window)).getEstimate())
                    .isEqualTo(HllSketch.heapify(ignoringPage.get(window)).getCompositeEstimate());
        }
    }

    /**
     * UV_RSD → lgK: Spark accepts lgK 4..21 and refuses the rest with HLL_INVALID_LG_K. lgK(rsd) lands in [4, 21]
     * exactly for rsd in [1.04/2^10.5 ≈ 0.000719, 1.04/2^1.5 ≈ 0.3677); UV_RSD's range [0.001, 0.26] sits inside:
     * 0.26 is lgK 4's own precision (1.04/√16), so a coarser request would silently get 0.26 anyway, and 0.001 is a
     * round number above the lower edge. The previous upper bound 0.39 maps to lgK 3, which Spark refuses.
     */
    @Test
    void uvRsdMapsToAnLgKSparkAccepts() {
        assertThat(lgKFor(0.26)).isEqualTo(4);
        assertThat(lgKFor(0.01)).isEqualTo(14);
        assertThat(lgKFor(0.001)).isEqualTo(21);
        assertThat(lgKFor(0.000719)).isEqualTo(21);
        assertThat(lgKFor(0.000718)).isEqualTo(22);
        assertThat(lgKFor(0.3676)).isEqualTo(4);
        assertThat(lgKFor(0.39)).isEqualTo(3);

        Dataset<Row> users = spark.range(100).select(col("id").cast("string").as("user_id"));
        for (int accepted : new int[]{4, 21}) {
            assertThat(HllSketch.heapify(users.agg(hll_sketch_agg(col("user_id"), accepted)).first().<byte[]>getAs(0))
                    .getLgConfigK()).isEqualTo(accepted);
        }
        for (int refused : new int[]{3, 22}) {
            assertThatThrownBy(() -> users.agg(hll_sketch_agg(col("user_id"), refused)).collectAsList())
                    .hasStackTraceContaining("HLL_INVALID_LG_K")
                    .hasStackTraceContaining("between 4 and 21");
        }
    }

    static int lgKFor(double rsd) {
        return (int) Math.ceil(2 * Math.log(1.04 / rsd) / Math.log(2));
    }

    /**
     * Window A's users arrive on every page in every batch, half of them twice (on another page, or the same page
     * again in a later batch); window B's users in batches 1 and 2 only. Batch 3 is one click at 12:03:30.
     */
    private static void splitIntoBatches() {
        for (int b = 0; b < 4; b++) {
            BATCHES.add(new ArrayList<>());
        }
        for (int i = 0; i < USERS_A; i++) {
            Instant at = WINDOW_A.plusSeconds(i % 60);
            BATCHES.get((i / 3) % 3).add(new Click("a-" + i, PAGES[i % 3], at));
            if (i % 2 == 0) {
                String page = i % 4 == 0 ? PAGES[(i + 1) % 3] : PAGES[i % 3];
                BATCHES.get((i / 3 + 1) % 3).add(new Click("a-" + i, page, at.plusMillis(500)));
            }
        }
        for (int i = 0; i < USERS_B; i++) {
            BATCHES.get(1 + i % 2).add(new Click("b-" + i, PAGES[i % 3], WINDOW_B.plusSeconds(i % 60)));
        }
        BATCHES.get(3).add(new Click("tick", "/a", Instant.parse("2026-01-01T12:03:30Z")));
    }

    private static StreamingQuery start() throws TimeoutException {
        Dataset<Row> clicks = clicks(spark.readStream().schema(CLICKS).option("maxFilesPerTrigger", 1));
        return clicks.withWatermark("event_time", "1 minute")
                .groupBy(window(col("event_time"), "1 minute"), col("page_id"))
                .agg(count(lit(1)).as("pv"), hll_sketch_agg(col("user_id"), LG_K).as("sketch"))
                .select(col("window.start").as("window_start"), col("page_id"), col("pv"), col("sketch"))
                .writeStream()
                .outputMode("append")
                .format("parquet")
                .option("checkpointLocation", dir.resolve("chk").toString())
                .start(dir.resolve("out").toString());
    }

    private static Dataset<Row> clicks(org.apache.spark.sql.DataFrameReader reader) {
        return reader.json(dir.resolve("in").toString());
    }

    private static Dataset<Row> clicks(org.apache.spark.sql.streaming.DataStreamReader reader) {
        return reader.json(dir.resolve("in").toString());
    }

    /** Writes a batch's clicks as one JSON-lines file, renamed into place so the source never lists it half written. */
    private static void land(int batch) throws IOException {
        String lines = BATCHES.get(batch).stream().map(Click::json).collect(Collectors.joining("\n", "", "\n"));
        Path tmp = Files.writeString(dir.resolve("batch-" + batch + ".json"), lines);
        Files.move(tmp, dir.resolve("in").resolve("batch-" + batch + ".json"), StandardCopyOption.ATOMIC_MOVE);
    }

    private static Dataset<Row> sinkRows() {
        return spark.read().schema(SEALED).parquet(dir.resolve("out").toString());
    }

    private static Dataset<Row> batchSketches(int lgK) {
        return clicks(spark.read().schema(CLICKS))
                .groupBy(window(col("event_time"), "1 minute"), col("page_id"))
                .agg(count(lit(1)).as("pv"), hll_sketch_agg(col("user_id"), lgK).as("sketch"))
                .select(col("window.start").as("window_start"), col("page_id"), col("pv"), col("sketch"));
    }

    private static Map<String, byte[]> byKey(Dataset<Row> rows) {
        Map<String, byte[]> out = new HashMap<>();
        for (Row r : rows.collectAsList()) {
            out.put(key(r.getTimestamp(0).toInstant(), r.getString(1)), r.getAs("sketch"));
        }
        return out;
    }

    private static Map<Instant, byte[]> byWindow(Dataset<Row> rows) {
        Map<Instant, byte[]> out = new HashMap<>();
        for (Row r : rows.collectAsList()) {
            out.put(r.getTimestamp(0).toInstant(), r.getAs("sketch"));
        }
        return out;
    }

    /**
     * What a sketch counts, independent of arrival order: its lgK and mode, then a dense (HLL-mode) sketch's K
     * one-byte registers or a list/set-mode sketch's coupons, sorted. A coupon does not depend on lgK (the same users
     * give the same coupons at lgK 12 and 14), so lgK is part of the content. Offsets from the DataSketches HLL
     * preamble: byte 0 is its length in ints, byte 3 lgK, the low two bits of byte 7 the mode (0 list, 1 set, 2 HLL);
     * a dense HLL_8 array starts at byte 40.
     */
    private static byte[] content(byte[] sketch) {
        int mode = sketch[7] & 3;
        byte[] header = {sketch[3], (byte) mode};
        if (mode == 2) {
            int k = 1 << sketch[3];
            return concat(header, Arrays.copyOfRange(sketch, DENSE_REGISTERS, DENSE_REGISTERS + k));
        }
        IntBuffer slots = ByteBuffer.wrap(sketch, sketch[0] * 4, sketch.length - sketch[0] * 4)
                .order(ByteOrder.LITTLE_ENDIAN).asIntBuffer();
        int[] coupons = new int[slots.remaining()];
        slots.get(coupons);
        int[] sorted = Arrays.stream(coupons).filter(c -> c != 0).sorted().toArray();
        ByteBuffer out = ByteBuffer.allocate(sorted.length * 4);
        out.asIntBuffer().put(sorted);
        return concat(header, out.array());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String key(Instant window, String page) {
        return window + " " + page;
    }

    private static HllSketch unionOf(Instant window) {
        Union union = new Union(LG_K);
        for (String page : PAGES) {
            union.update(HllSketch.heapify(sealed.get(key(window, page))));
        }
        return union.getResult(TgtHllType.HLL_8);
    }

    /** Exact distinct users of a window's clicks, on one page or (page null) on any. */
    private static long distinctUsers(Instant window, String page) {
        Set<String> users = BATCHES.stream().flatMap(List::stream)
                .filter(c -> !c.time().isBefore(window) && c.time().isBefore(window.plusSeconds(60)))
                .filter(c -> page == null || c.page().equals(page))
                .map(Click::user).collect(Collectors.toSet());
        return users.size();
    }
}
