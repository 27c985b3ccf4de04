package io.streamingclicks.validator.uv;

import java.sql.Blob;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.streamingclicks.validator.db.Workspace;

/**
 * What UV over buckets reads through DuckDB (queries.sql "uv_sketches", "uv_exact"): the sealed windows' sketch
 * bytes of a range, and the exact distinct users of the events the windows query counted (link 3), per bucket.
 * DuckDB has no DataSketches function, so the merge itself is done in Java ({@link SketchUnion}).
 */
public final class UvReads {

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private UvReads() {
    }

    /** The sealed uv rows with window start in [from, to), oldest first. */
    public static List<WindowSketch> sketches(Workspace ws, Instant from, Instant to) throws SQLException {
        List<WindowSketch> out = new ArrayList<>();
        for (Map<String, Object> r : ws.rows("uv_sketches", range(from, to))) {
            out.add(new WindowSketch((Instant) r.get("window_start"), bytes(r.get("uv_sketch"))));
        }
        return out;
    }

    /**
     * The sealed uv rows with window start in [from, to) merged into {@code merger} as DuckDB hands them over
     * (one sketch's bytes held at a time).
     */
    public static void merge(Workspace ws, Instant from, Instant to, SketchUnion.Merger merger) throws SQLException {
        ws.forEachRow("uv_sketches", range(from, to), rs -> merger.add(
                rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC), rs.getBytes(2)));
    }

    /** Bucket start -> distinct users of the counted events of the sealed windows in [from, to). */
    public static Map<Instant, Long> exact(Workspace ws, Instant from, Instant to, Duration bucket)
            throws SQLException {
        Map<String, Object> vars = range(from, to);
        vars.put("bucket_ms", bucket.toMillis());
        Map<Instant, Long> out = new TreeMap<>();
        for (Map<String, Object> r : ws.rows("uv_exact", vars)) {
            out.put((Instant) r.get("bucket_start"), ((Number) r.get("exact")).longValue());
        }
        return out;
    }

    private static Map<String, Object> range(Instant from, Instant to) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("from_ts", ts(from));
        vars.put("to_ts", ts(to));
        return vars;
    }

    private static String ts(Instant t) {
        return t == null ? null : TS.format(LocalDateTime.ofInstant(t, ZoneOffset.UTC));
    }

    private static byte[] bytes(Object v) throws SQLException {
        if (v == null || v instanceof byte[]) {
            return (byte[]) v;
        }
        if (v instanceof Blob b) {
            return b.getBytes(1, (int) b.length());
        }
        throw new IllegalStateException("uv_sketch read as " + v.getClass().getName() + ", expected a BLOB");
    }
}
