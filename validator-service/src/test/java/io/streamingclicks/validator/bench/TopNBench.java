package io.streamingclicks.validator.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
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
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;

import org.duckdb.DuckDBDriver;

import io.streamingclicks.validator.db.SqlFile;

/**
 * make bench-validator: Top-N latency (p50/p99) through the REST API over 30 days of 5-minute PV (8,640 windows x
 * 1,000 pages, committed through _spark_metadata as the job writes it), beside the same queries.sql statement run
 * straight in DuckDB (JDBC, in process) on the same committed files. Prints both and the ratio.
 * The UV half ({@link UvBench}) follows on the same service, then on one started with its union cache off.
 * Usage: TopNBench QUARKUS_RUN_JAR DATA_DIR [QUERIES [UV_QUERIES]]
 */
public final class TopNBench {

    static final Instant START = Instant.parse("2026-10-01T00:00:00Z");
    static final int DAYS = 30;
    static final int WINDOWS = DAYS * 288;
    static final int PAGES = 1000;
    static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: TopNBench QUARKUS_RUN_JAR DATA_DIR [QUERIES]");
            System.exit(64);
        }
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path root = Path.of(args[1]).toAbsolutePath();
        int queries = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        int uvQueries = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        generate(root);
        UvBench.generate(root);
        checkpoints(root);

        Random rnd = new Random(7);
        List<Instant> windows = new ArrayList<>();
        for (int i = 0; i < queries; i++) {
            windows.add(START.plus(Duration.ofMinutes(5L * rnd.nextInt(WINDOWS))));
        }
        List<Instant> warmUp = new ArrayList<>();
        for (int i = 0; i < queries; i++) {
            warmUp.add(START.plus(Duration.ofMinutes(5L * rnd.nextInt(WINDOWS))));
        }
        long[] all = new long[queries];
        long[] direct = new long[queries];
        long[] rest = new long[queries];
        long[] uvDirect = new long[uvQueries];
        long[] uvRest = new long[uvQueries];
        long[] uvColdDirect = new long[uvQueries];
        long[] uvCold = new long[uvQueries];
        try (Direct d = new Direct(root); UvBench.Direct ud = new UvBench.Direct(root)) {
            for (int i = 0; i < queries; i++) {
                all[i] = d.time(windows.get(i), false);
            }
            try (Rest r = new Rest(jar, root, true)) {
                // Both paths warm alike (JIT, DuckDB caches) on other windows before any is timed: with 10
                // warm-up requests the service's p50 still fell by 40 % over the next 600.
                for (Instant w : warmUp) {
                    d.time(w, true);
                    r.time(w);
                }
                // Interleaved, each first in turn: both paths see the same load on a shared machine.
                for (int i = 0; i < queries; i++) {
                    if (i % 2 == 0) {
                        direct[i] = d.time(windows.get(i), true);
                        rest[i] = r.time(windows.get(i));
                    } else {
                        rest[i] = r.time(windows.get(i));
                        direct[i] = d.time(windows.get(i), true);
                    }
                }
                if (uvQueries > 0) {
                    uv(ud, r, uvDirect, uvRest);
                }
            }
            // The same again against a service whose union cache is off: every request reads and merges all
            // 8,640 sketches, as the first request after start-up does.
            if (uvQueries > 0) {
                try (Rest r = new Rest(jar, root, false)) {
                    uv(ud, r, uvColdDirect, uvCold);
                }
            }
        }
        report("DuckDB direct, every committed file", all);
        report("DuckDB direct, the window's partition files", direct);
        report("REST /api/topn?n=10 (validator service)", rest);
        if (uvQueries == 0) {
            ratios("Top-N", rest, direct);
            return;
        }
        report("UV direct: uv_sketches + SketchUnion", uvDirect);
        report("REST /api/uv?grain=day (unions kept)", uvRest);
        report("UV direct (beside the uncached service)", uvColdDirect);
        report("REST /api/uv?grain=day (cache off)", uvCold);
        System.out.printf("%-32s %12s %12s %8s%n", "", "REST", "direct", "ratio");
        double[] topN = ratios("Top-N", rest, direct);
        double[] days = ratios("UV day x30 (unions kept)", uvRest, uvDirect);
        double[] cold = ratios("UV day x30 (cache off)", uvCold, uvColdDirect);
        System.out.printf("ratios REST/direct p50, p99: Top-N %.2fx, %.2fx; UV day %.2fx, %.2fx"
                + " (cache off: %.2fx, %.2fx)%n", topN[0], topN[1], days[0], days[1], cold[0], cold[1]);
    }

    /** Warm-up (a third of the count, at least 3), then interleaved timed pairs, each side first in turn. */
    static void uv(UvBench.Direct d, Rest r, long[] direct, long[] rest) throws Exception {
        for (int i = 0; i < Math.max(3, direct.length / 3); i++) {
            d.time();
            UvBench.timeRest(r);
        }
        for (int i = 0; i < direct.length; i++) {
            if (i % 2 == 0) {
                direct[i] = d.time();
                rest[i] = UvBench.timeRest(r);
            } else {
                rest[i] = UvBench.timeRest(r);
                direct[i] = d.time();
            }
        }
    }

    static double[] ratios(String what, long[] rest, long[] direct) {
        double[] out = new double[2];
        int k = 0;
        for (int p : new int[] {50, 99}) {
            out[k++] = (double) pct(rest, p) / pct(direct, p);
            System.out.printf("%-32s %9.2f ms %9.2f ms %7.2fx%n", what + " p" + p, pct(rest, p) / 1e6,
                    pct(direct, p) / 1e6, out[k - 1]);
        }
        return out;
    }

    /** 30 days of pv under date=/hour= partitions, one batch per day in _spark_metadata, compacted every 10. */
    static void generate(Path root) throws Exception {
        Path pv = root.resolve("parquet/pv");
        if (Files.exists(pv.resolve("_spark_metadata/29.compact"))) {
            System.out.println("reusing " + pv);
            return;
        }
        System.out.printf("writing %d windows x %d pages of pv under %s ...%n", WINDOWS, PAGES, pv);
        Files.createDirectories(pv);
        try (Connection c = duck(); Statement s = c.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
            s.execute("COPY (SELECT ws AS window_start, ws + INTERVAL 5 MINUTE AS window_end,"
                    + " 'page-' || lpad(p::VARCHAR, 4, '0') AS page_id, (hash(ws, p) % 1000 + 1)::BIGINT AS pv,"
                    + " strftime(ws, '%Y-%m-%d') AS date, hour(ws) AS hour"
                    + " FROM (SELECT TIMESTAMP '2026-10-01 00:00:00' + to_minutes(5 * w) AS ws FROM range(" + WINDOWS
                    + ") t(w)), range(" + PAGES + ") q(p))"
                    + " TO '" + pv + "' (FORMAT parquet, PARTITION_BY (date, hour), OVERWRITE_OR_IGNORE)");
        }
        System.out.printf("%d files, %d rows%n", commitLog(pv), (long) WINDOWS * PAGES);
    }

    /**
     * The two queries' checkpoint logs as a running job keeps them: 100 batches of offsets and commits each (Spark's
     * minBatchesToRetain). Their batches name no file of the bench's outputs; they are there because the service
     * looks at them on every request to decide whether a batch landed, as it does on a live data root.
     */
    static void checkpoints(Path root) throws IOException {
        // Past the last window: every window of the bench is sealed, as it was with no checkpoint at all.
        long watermark = START.plus(Duration.ofDays(DAYS + 1)).toEpochMilli();
        for (String query : List.of("ingest", "windows")) {
            Path chk = root.resolve("chk").resolve(query);
            Files.createDirectories(chk.resolve("offsets"));
            Files.createDirectories(chk.resolve("commits"));
            for (int b = 0; b < 100; b++) {
                String source = query.equals("ingest")
                        ? "{\"clickstream_events\":{\"0\":" + b + ",\"1\":" + b + ",\"2\":" + b + "}}"
                        : "{\"logOffset\":-1}";
                Files.writeString(chk.resolve("offsets/" + b), "v1\n{\"batchWatermarkMs\":" + watermark
                        + ",\"batchTimestampMs\":0,\"conf\":{}}\n" + source);
                Files.writeString(chk.resolve("commits/" + b), "v1\n{\"nextBatchWatermarkMs\":" + watermark + "}");
            }
        }
    }

    /** The sink's files committed as the job does: one batch per day, compacted every 10; returns the file count. */
    static int commitLog(Path sink) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(sink)) {
            files = s.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        }
        Path log = sink.resolve("_spark_metadata");
        Files.createDirectories(log);
        List<String> all = new ArrayList<>();
        for (int day = 0; day < DAYS; day++) {
            String date = LocalDateTime.ofInstant(START.plus(Duration.ofDays(day)), ZoneOffset.UTC).toLocalDate()
                    .toString();
            List<String> mine = new ArrayList<>();
            for (Path f : files) {
                if (f.toString().contains("date=" + date + "/")) {
                    mine.add("{\"path\":\"file://" + f + "\",\"size\":" + Files.size(f) + ",\"isDir\":false,"
                            + "\"modificationTime\":1,\"blockReplication\":1,\"blockSize\":33554432,\"action\":\"add\"}");
                }
            }
            all.addAll(mine);
            boolean compact = day % 10 == 9;
            Files.writeString(log.resolve(day + (compact ? ".compact" : "")),
                    "v1\n" + String.join("\n", compact ? all : mine));
            if (compact) {
                for (int k = day - 9; k < day; k++) {
                    Files.deleteIfExists(log.resolve(Integer.toString(k)));
                    Files.deleteIfExists(log.resolve(k + ".compact"));
                }
            }
        }
        return files.size();
    }

    static Connection duck() throws Exception {
        Properties p = new Properties();
        p.setProperty("autoinstall_known_extensions", "false");
        p.setProperty("autoload_known_extensions", "false");
        p.setProperty("memory_limit", "512MB");
        p.setProperty("threads", "2");
        return new DuckDBDriver().connect("jdbc:duckdb:", p);
    }

    /**
     * The reference: one warm connection, the committed file list read once, the pv view of queries.sql, and per
     * query the window's files (or all of them) and window_ts bound, then the same topn statement the service runs.
     */
    static final class Direct implements AutoCloseable {

        final Connection c;
        final String topn;
        final List<String> files;

        Direct(Path root) throws Exception {
            SqlFile sql = SqlFile.load();
            files = io.streamingclicks.accounting.spark.CommittedOutput.read(root.resolve("parquet/pv")).files()
                    .stream().map(Path::toString).toList();
            c = duck();
            try (Statement s = c.createStatement()) {
                s.execute("SET TimeZone = 'UTC'");
                try (PreparedStatement ps = c.prepareStatement("SET VARIABLE pv_files = ?")) {
                    ps.setArray(1, c.createArrayOf("VARCHAR", files.toArray()));
                    ps.execute();
                }
                s.execute("SET VARIABLE window_ms = 300000");
                // The pv view and the macro it reads through, exactly as the service creates them.
                for (String stmt : sql.block("views")) {
                    if (stmt.startsWith("CREATE OR REPLACE TEMP MACRO committed_rows(")
                            || stmt.startsWith("CREATE OR REPLACE TEMP VIEW pv AS")) {
                        s.execute(stmt);
                    }
                }
            }
            topn = sql.statement("topn");
            for (int i = 0; i < 10; i++) {
                run(c, topn, START.plus(Duration.ofHours(i)), List.of());
            }
        }

        long time(Instant w, boolean narrow) throws Exception {
            long t0 = System.nanoTime();
            int rows = run(c, topn, w, narrow ? files : List.of());
            long t = System.nanoTime() - t0;
            if (rows != 10) {
                throw new IllegalStateException("direct Top-N of " + w + " returned " + rows + " rows");
            }
            return t;
        }

        @Override
        public void close() throws Exception {
            c.close();
        }
    }

    static int run(Connection c, String topn, Instant w, List<String> narrowFrom) throws Exception {
        if (!narrowFrom.isEmpty()) {
            var t = w.atZone(ZoneOffset.UTC);
            String part = "/date=" + t.toLocalDate() + "/hour=" + t.getHour() + "/";
            try (PreparedStatement ps = c.prepareStatement("SET VARIABLE pv_files = ?")) {
                ps.setArray(1, c.createArrayOf("VARCHAR", narrowFrom.stream().filter(f -> f.contains(part)).toArray()));
                ps.execute();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SET VARIABLE window_ts = ?")) {
            ps.setString(1, TS.format(LocalDateTime.ofInstant(w, ZoneOffset.UTC)));
            ps.execute();
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(topn)) {
            int n = 0;
            while (rs.next()) {
                n++;
            }
            return n;
        }
    }

    /** The validator service started from its jar on a free port, over the same data root. */
    static final class Rest implements AutoCloseable {

        final Process p;
        final String base;

        /** {@code unionCache} false: validator.uv.cached-buckets = 0, every UV request merges afresh. */
        Rest(Path jar, Path root, boolean unionCache) throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path log = root.resolve("validator-bench.log");
            ProcessBuilder pb = new ProcessBuilder("java", "-Xmx512m", "-XX:+UseSerialGC", "-jar", jar.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("DATA_DIR", root.toString());
            pb.environment().put("VALIDATOR_PORT", Integer.toString(port));
            pb.environment().put("VALIDATOR_CHECK_INTERVAL", "24h");
            pb.environment().put("VALIDATOR_CHECK_DELAY", "24h");
            if (!unionCache) {
                pb.environment().put("VALIDATOR_UV_CACHED_BUCKETS", "0");
            }
            p = pb.start();
            base = "http://127.0.0.1:" + port;
            Instant deadline = Instant.now().plusSeconds(120);
            while (!ok(base + "/q/health/ready")) {
                if (!p.isAlive() || Instant.now().isAfter(deadline)) {
                    close();
                    throw new IllegalStateException("validator did not start on port " + port + "; see " + log);
                }
                Thread.sleep(250); // polling a child process's port: no Awaitility outside tests
            }
        }

        long time(Instant w) throws Exception {
            long t0 = System.nanoTime();
            String body = get(base + "/api/topn?n=10&window=" + w);
            long t = System.nanoTime() - t0;
            if (!body.contains("\"rank\":10")) {
                throw new IllegalStateException("REST Top-N of " + w + ": " + body);
            }
            return t;
        }

        @Override
        public void close() throws InterruptedException {
            p.destroy();
            p.waitFor();
        }
    }

    static boolean ok(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(5000);
            int code = c.getResponseCode();
            c.getInputStream().readAllBytes();
            return code == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A plain blocking GET on the calling thread over a kept-alive connection: java.net.http.HttpClient hands each
     * exchange to its selector thread and back, which cost 2-3 ms a request on the loaded 2-core machine, a cost of
     * the client and not of the service.
     */
    static String get(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        int code = c.getResponseCode();
        try (InputStream in = code == 200 ? c.getInputStream() : c.getErrorStream()) {
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (code != 200) {
                throw new IllegalStateException("HTTP " + code + ": " + body);
            }
            return body;
        }
    }

    static long pct(long[] t, int p) {
        long[] s = t.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }

    static void report(String what, long[] t) {
        System.out.printf("%-45s n=%d  p50 %7.2f ms  p99 %7.2f ms%n", what, t.length, pct(t, 50) / 1e6,
                pct(t, 99) / 1e6);
    }
}
