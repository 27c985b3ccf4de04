package io.streamingclicks.validator.db;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.streamingclicks.accounting.spark.BatchOffsets;
import io.streamingclicks.accounting.spark.CommittedOutput;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.validator.pipeline.OutputSnapshot;

/**
 * One connection set up over one snapshot of committed output: the file lists and checkpoint batches bound as
 * variables and temp tables, then the views of {@code queries.sql}. Runs named statements with values bound through
 * {@code SET VARIABLE name = ?}: no value is ever spliced into SQL text.
 */
public final class Workspace implements AutoCloseable {

    private static final List<Sink> SINKS = List.of(Sink.UV, Sink.PV, Sink.EVENTS, Sink.QUARANTINE);

    private final Connection c;
    private final SqlFile sql;
    private final OutputSnapshot snapshot;

    private Workspace(Connection c, SqlFile sql, OutputSnapshot snapshot) {
        this.c = c;
        this.sql = sql;
        this.snapshot = snapshot;
    }

    public static Workspace open(DuckDb db, SqlFile sql, OutputSnapshot snap, long windowMs, double rsd)
            throws SQLException {
        return open(db, sql, snap, windowMs, rsd, Map.of());
    }

    /**
     * @param partitions per sink, one time partition directory (e.g. {@code date=2026-11-21/hour=22}) to read
     *                   instead of all its committed files: uv and pv are partitioned by window start, so one
     *                   window's rows are all there, and the views bind over one file instead of hundreds
     */
    public static Workspace open(DuckDb db, SqlFile sql, OutputSnapshot snap, long windowMs, double rsd,
                                 Map<Sink, String> partitions) throws SQLException {
        Connection c = db.connect();
        Workspace w = new Workspace(c, sql, snap);
        try {
            w.runBlock("session");
            w.set("window_ms", windowMs);
            w.set("rsd", rsd);
            w.set("sealed_ms", snap.sealedMs());
            for (Sink s : SINKS) {
                CommittedOutput f = snap.files().get(s);
                String part = partitions.get(s);
                List<String> paths = f == null ? List.of() : f.files().stream()
                        .filter(p -> part == null || (p.getParent() != null && p.getParent().endsWith(part)))
                        .map(Object::toString).toList();
                // An empty list is fine: the views of queries.sql read no file then (committed_rows).
                w.set(s.dir() + "_files", c.createArrayOf("VARCHAR", paths.toArray()));
                w.loadBatches(s.dir() + "_batches", snap.batches().getOrDefault(s, List.of()));
            }
            w.loadFileSource(snap);
            w.runBlock("views");
            return w;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    public OutputSnapshot snapshot() {
        return snapshot;
    }

    public void runBlock(String name) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String stmt : sql.block(name)) {
                s.execute(stmt);
            }
        }
    }

    /** Binds a value to a DuckDB variable that the statements read with {@code getvariable(name)}. */
    public void set(String name, Object value) throws SQLException {
        if (!name.matches("[a-z_]+")) {
            throw new IllegalArgumentException("variable name " + name);
        }
        try (PreparedStatement ps = c.prepareStatement("SET VARIABLE " + name + " = ?")) {
            if (value instanceof Array a) {
                ps.setArray(1, a);
            } else {
                ps.setObject(1, value);
            }
            ps.execute();
        }
    }

    private void loadBatches(String table, List<BatchOffsets> batches) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE OR REPLACE TEMP TABLE " + table + " (batch_id BIGINT, watermark_ms BIGINT,"
                    + " kafka_partition INTEGER, start_offset BIGINT, end_offset BIGINT)");
        }
        Map<Integer, Long> previous = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?)")) {
            for (BatchOffsets b : batches) {
                for (Map.Entry<Integer, Long> e : b.endOffsets().entrySet()) {
                    if (b.committed()) {
                        ps.setLong(1, b.batchId());
                        ps.setLong(2, b.watermarkMs());
                        ps.setInt(3, e.getKey());
                        ps.setObject(4, previous.get(e.getKey()));
                        ps.setLong(5, e.getValue());
                        ps.addBatch();
                    }
                    previous.put(e.getKey(), e.getValue());
                }
            }
            ps.executeBatch();
        }
    }

    /**
     * The file source's side of the checkpoints, as the CLI block builds it: {@code file_batches} (committed batches
     * per query with their start/end logOffset) and {@code source_files} (each query's source log), and the landing
     * files on disk in {@code landing_files}.
     */
    private void loadFileSource(OutputSnapshot snap) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE OR REPLACE TEMP TABLE file_batches (query VARCHAR, batch_id BIGINT, watermark_ms BIGINT,"
                    + " start_log_offset BIGINT, end_log_offset BIGINT)");
            s.execute("CREATE OR REPLACE TEMP TABLE source_files (query VARCHAR, source_file VARCHAR,"
                    + " source_batch BIGINT)");
        }
        try (PreparedStatement batches = c.prepareStatement("INSERT INTO file_batches VALUES (?, ?, ?, ?, ?)");
             PreparedStatement files = c.prepareStatement("INSERT INTO source_files VALUES (?, ?, ?)")) {
            for (Sink sink : SINKS) {
                Long previous = null;
                for (BatchOffsets b : snap.batches().getOrDefault(sink, List.of())) {
                    if (b.fileLogOffset() == null) {
                        continue;
                    }
                    if (b.committed()) {
                        batches.setString(1, sink.dir());
                        batches.setLong(2, b.batchId());
                        batches.setLong(3, b.watermarkMs());
                        batches.setObject(4, previous);
                        batches.setLong(5, b.fileLogOffset());
                        batches.addBatch();
                    }
                    previous = b.fileLogOffset();
                }
                for (Map.Entry<String, Long> f : snap.sourceFiles().getOrDefault(sink, Map.of()).entrySet()) {
                    files.setString(1, sink.dir());
                    files.setString(2, f.getKey());
                    files.setLong(3, f.getValue());
                    files.addBatch();
                }
            }
            batches.executeBatch();
            files.executeBatch();
        }
        set("landing_files", c.createArrayOf("VARCHAR",
                snap.landingFiles().stream().map(Object::toString).toArray()));
    }

    /** Runs the single statement of block {@code name} after binding {@code vars}; rows as column -> value. */
    public List<Map<String, Object>> rows(String name, Map<String, Object> vars) throws SQLException {
        for (Map.Entry<String, Object> v : vars.entrySet()) {
            set(v.getKey(), v.getValue());
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.statement(name))) {
            return read(rs);
        }
    }

    public List<Map<String, Object>> rows(String name) throws SQLException {
        return rows(name, Map.of());
    }

    public Map<String, Object> row(String name) throws SQLException {
        List<Map<String, Object>> r = rows(name);
        return r.isEmpty() ? Map.of() : r.get(0);
    }

    /** Timestamps come back as UTC instants (the session's TimeZone is UTC, the columns are TIMESTAMP). */
    static List<Map<String, Object>> read(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<Map<String, Object>> out = new ArrayList<>();
        while (rs.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                Object v;
                if (md.getColumnTypeName(i).equals("TIMESTAMP")) {
                    LocalDateTime t = rs.getObject(i, LocalDateTime.class);
                    v = t == null ? null : t.toInstant(ZoneOffset.UTC);
                } else {
                    v = rs.getObject(i);
                    if (v instanceof java.math.BigInteger b) {
                        v = b.longValue();
                    } else if (v instanceof java.math.BigDecimal d) {
                        v = d.doubleValue();
                    }
                }
                row.put(md.getColumnLabel(i), v);
            }
            out.add(row);
        }
        return out;
    }

    public Connection connection() {
        return c;
    }

    @Override
    public void close() throws SQLException {
        c.close();
    }
}
