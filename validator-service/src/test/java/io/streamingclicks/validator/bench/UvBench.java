package io.streamingclicks.validator.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

import io.streamingclicks.contract.Defaults;
import io.streamingclicks.contract.UvPrecision;
import io.streamingclicks.validator.db.SqlFile;
import io.streamingclicks.validator.uv.SketchUnion;
import io.streamingclicks.validator.uv.UvBucket;
import io.streamingclicks.validator.uv.WindowSketch;

/**
 * The UV half of make bench-validator: {@code GET /api/uv?grain=day} over the 30 days of the bench data (8,640
 * window sketches) beside its reference, the same queries.sql "uv_sketches" statement in a warm in-process DuckDB
 * connection on the same committed files followed by the service's own union ({@link SketchUnion}), nothing cached.
 */
final class UvBench {

    /** The job's default precision (UV_RSD 0.01): lgK 14, an HLL_8 sketch of 16 KB once past a few thousand users. */
    static final int LG_K = UvPrecision.lgK(Defaults.UV_RSD);
    static final int USER_POOL = 200_000;
    static final Instant END = TopNBench.START.plus(Duration.ofDays(TopNBench.DAYS));
    static final String QUERY = "/api/uv?grain=day&from=" + TopNBench.START + "&to=" + END;

    private UvBench() {
    }

    /**
     * Where the reference's time goes, per phase (the DuckDB read of the sketch column, heapify + union), over
     * {@code n} runs after as many warm-ups. Usage: UvBench DATA_DIR [N]
     */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath();
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        generate(root);
        try (Direct d = new Direct(root)) {
            long[] read = new long[n];
            long[] union = new long[n];
            for (int i = -n; i < n; i++) {
                long t0 = System.nanoTime();
                List<WindowSketch> rows = d.read();
                long t1 = System.nanoTime();
                SketchUnion.buckets(rows, Duration.ofDays(1), LG_K, null);
                long t2 = System.nanoTime();
                if (i >= 0) {
                    read[i] = t1 - t0;
                    union[i] = t2 - t1;
                }
            }
            TopNBench.report("uv_sketches read, 8,640 BLOBs", read);
            TopNBench.report("heapify + union into 30 days", union);
        }
    }

    /**
     * parquet/uv for the same 30 days: one row per window, its uv_sketch an HLL_8 sketch at lgK 14 written by
     * datasketches-java (as Spark's hll_sketch_agg writes it) over 3,000-5,000 users drawn from a pool, so every
     * sketch is in HLL mode; date=/hour= partitions, committed through _spark_metadata like the pv data.
     */
    static void generate(Path root) throws Exception {
        Path uv = root.resolve("parquet/uv");
        if (Files.exists(uv.resolve("_spark_metadata/29.compact"))) {
            System.out.println("reusing " + uv);
            return;
        }
        System.out.printf("writing %d window sketches (lgK %d) under %s ...%n", TopNBench.WINDOWS, LG_K, uv);
        Files.createDirectories(uv);
        Random rnd = new Random(13);
        try (Connection c = TopNBench.duck(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            s.execute("CREATE TABLE uvt (window_start TIMESTAMP, window_end TIMESTAMP, uv BIGINT, uv_sketch BLOB)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO uvt VALUES (?, ?, ?, ?)")) {
                for (int w = 0; w < TopNBench.WINDOWS; w++) {
                    Instant start = TopNBench.START.plus(Duration.ofMinutes(5L * w));
                    HllSketch sketch = new HllSketch(LG_K, TgtHllType.HLL_8);
                    int users = 3000 + rnd.nextInt(2000);
                    for (int u = 0; u < users; u++) {
                        sketch.update("user-" + rnd.nextInt(USER_POOL));
                    }
                    ps.setObject(1, LocalDateTime.ofInstant(start, ZoneOffset.UTC));
                    ps.setObject(2, LocalDateTime.ofInstant(start.plus(Duration.ofMinutes(5)), ZoneOffset.UTC));
                    ps.setLong(3, Math.round(sketch.getEstimate()));
                    ps.setBytes(4, sketch.toUpdatableByteArray());
                    ps.addBatch();
                    if (w % 288 == 287) {
                        ps.executeBatch();
                    }
                }
            }
            s.execute("COPY (SELECT *, strftime(window_start, '%Y-%m-%d') AS date, hour(window_start) AS hour FROM uvt)"
                    + " TO '" + uv + "' (FORMAT parquet, PARTITION_BY (date, hour), OVERWRITE_OR_IGNORE)");
        }
        TopNBench.commitLog(uv);
    }

    /** The reference: the uv view of queries.sql over every committed uv file, warm, and SketchUnion per request. */
    static final class Direct implements AutoCloseable {

        final Connection c;
        final String statement;

        Direct(Path root) throws Exception {
            SqlFile sql = SqlFile.load();
            List<String> files = io.streamingclicks.accounting.spark.CommittedOutput.read(root.resolve("parquet/uv"))
                    .files().stream().map(Path::toString).toList();
            c = TopNBench.duck();
            try (Statement s = c.createStatement()) {
                s.execute("SET TimeZone = 'UTC'");
                try (PreparedStatement ps = c.prepareStatement("SET VARIABLE uv_files = ?")) {
                    ps.setArray(1, c.createArrayOf("VARCHAR", files.toArray()));
                    ps.execute();
                }
                for (String stmt : sql.block("views")) {
                    if (stmt.startsWith("CREATE OR REPLACE TEMP MACRO committed_rows(")
                            || stmt.startsWith("CREATE OR REPLACE TEMP VIEW uv AS")) {
                        s.execute(stmt);
                    }
                }
                s.execute("SET VARIABLE from_ts = '" + TopNBench.TS.format(LocalDateTime.ofInstant(TopNBench.START,
                        ZoneOffset.UTC)) + "'");
                s.execute("SET VARIABLE to_ts = '" + TopNBench.TS.format(LocalDateTime.ofInstant(END,
                        ZoneOffset.UTC)) + "'");
            }
            statement = sql.statement("uv_sketches");
        }

        /** The sketch column of the range, held (for the phase timings). */
        /** As the service merges (SketchUnion.Merger, row by row as DuckDB hands them over). */
        List<UvBucket> days() throws Exception {
            SketchUnion.Merger m = new SketchUnion.Merger(Duration.ofDays(1), LG_K);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(statement)) {
                while (rs.next()) {
                    m.add(rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getBytes(2));
                }
            }
            return m.buckets(null);
        }

        List<WindowSketch> read() throws Exception {
            List<WindowSketch> rows = new ArrayList<>(TopNBench.WINDOWS);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(statement)) {
                while (rs.next()) {
                    rows.add(new WindowSketch(rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC),
                            rs.getBytes(2)));
                }
            }
            return rows;
        }

        long time() throws Exception {
            long t0 = System.nanoTime();
            List<UvBucket> days = days();
            long t = System.nanoTime() - t0;
            if (days.size() != TopNBench.DAYS || days.stream().anyMatch(d -> d.windows() != 288)) {
                throw new IllegalStateException("direct UV: " + days);
            }
            return t;
        }

        @Override
        public void close() throws Exception {
            c.close();
        }
    }

    static long timeRest(TopNBench.Rest r) throws Exception {
        long t0 = System.nanoTime();
        String body = TopNBench.get(r.base + QUERY);
        long t = System.nanoTime() - t0;
        if (!body.contains("\"windows\":288") || body.contains("\"windows\":0")) {
            throw new IllegalStateException("REST UV: " + body);
        }
        return t;
    }
}
