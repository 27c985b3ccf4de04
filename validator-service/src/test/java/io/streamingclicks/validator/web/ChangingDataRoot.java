package io.streamingclicks.validator.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;

import org.duckdb.DuckDBDriver;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A data root whose pv the test rewrites while the application reads it: two windows in two hour partitions, each
 * with one file per version whose pages rank differently, and a {@code _spark_metadata} batch per version that adds
 * that version's files and deletes the previous one's, written under a temporary name and renamed, as Spark does.
 */
public class ChangingDataRoot implements QuarkusTestResourceLifecycleManager {

    static final int VERSIONS = 8;
    static final int PAGES = 8;
    static final List<Instant> WINDOWS = List.of(Instant.parse("2026-10-01T00:00:00Z"),
            Instant.parse("2026-10-01T01:05:00Z"));

    static Path root;

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("validator-changing").resolve("data");
            Files.createDirectories(root.resolve("parquet/pv/_spark_metadata"));
            try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                 Statement s = c.createStatement()) {
                s.execute("SET TimeZone = 'UTC'");
                for (int w = 0; w < WINDOWS.size(); w++) {
                    for (int v = 0; v < VERSIONS; v++) {
                        Path file = file(w, v);
                        Files.createDirectories(file.getParent());
                        StringBuilder rows = new StringBuilder();
                        for (int p = 0; p < PAGES; p++) {
                            rows.append(p == 0 ? "" : " UNION ALL ").append("SELECT '").append(page(w, p))
                                    .append("' AS page_id, ").append(pv(w, v, p)).append("::BIGINT AS pv");
                        }
                        String ws = WINDOWS.get(w).toString().replace("T", " ").replace("Z", "");
                        s.execute("COPY (SELECT TIMESTAMP '" + ws + "' AS window_start, TIMESTAMP '" + ws
                                + "' + INTERVAL 5 MINUTE AS window_end, page_id, pv FROM (" + rows + ")) TO '" + file
                                + "' (FORMAT parquet)");
                    }
                }
            }
            commit(0);
            return Map.of("DATA_DIR", root.toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
    }

    static String page(int window, int p) {
        return "w" + window + "-page-" + p;
    }

    /** Every version ranks the pages of a window differently (a rotation), so an answer names its version. */
    static long pv(int window, int version, int p) {
        return (p + version + 3L * window) % PAGES + 1;
    }

    /** The Top-n of a window at a version: page ids, pv descending, ties by page id. */
    static List<String> topN(int window, int version, int n) {
        return IntStream.range(0, PAGES).boxed()
                .sorted(Comparator.comparing((Integer p) -> -pv(window, version, p)).thenComparing(p -> page(window, p)))
                .limit(n).map(p -> page(window, p) + "=" + pv(window, version, p)).toList();
    }

    static Path file(int window, int version) {
        var t = WINDOWS.get(window).atZone(ZoneOffset.UTC);
        return root.resolve("parquet/pv/date=" + t.toLocalDate() + "/hour=" + t.getHour())
                .resolve(String.format("part-%05d-v%d.c000.snappy.parquet", window, version));
    }

    /** Batch {@code version}: adds its files, deletes the previous version's. */
    static void commit(int version) throws Exception {
        List<String> lines = new ArrayList<>(List.of("v1"));
        for (int w = 0; w < WINDOWS.size(); w++) {
            lines.add(entry(file(w, version), "add"));
            if (version > 0) {
                lines.add(entry(file(w, version - 1), "delete"));
            }
        }
        Path log = root.resolve("parquet/pv/_spark_metadata");
        Path temp = log.resolve("." + version + ".tmp");
        Files.writeString(temp, String.join("\n", lines));
        Files.move(temp, log.resolve(Integer.toString(version)), StandardCopyOption.ATOMIC_MOVE);
    }

    private static String entry(Path file, String action) throws Exception {
        return "{\"path\":\"file://" + file + "\",\"size\":" + Files.size(file) + ",\"isDir\":false,"
                + "\"modificationTime\":1,\"blockReplication\":1,\"blockSize\":33554432,\"action\":\"" + action + "\"}";
    }
}
