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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.streamingclicks.accounting.spark.BatchOffsets;
import io.streamingclicks.contract.DataRoot.Query;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.contract.UvPrecision;
import io.streamingclicks.validator.pipeline.LinkThreeSides;
import io.streamingclicks.validator.pipeline.OutputSnapshot;

/**
 * One connection set up over one snapshot of committed output: the file lists and checkpoint batches bound as
 * variables and temp tables, then the views of {@code queries.sql}. Runs named statements with values bound through
 * {@code SET VARIABLE name = ?}: no value is ever spliced into SQL text.
 * <p>
 * A workspace of the {@link ReadPool} outlives a request: its views stay, {@link #bind} re-binds only the snapshot's
 * variables and tables when the snapshot changed, and a variable is set only when its value differs from the one the
 * connection holds. What a request set or narrowed is put back (to the snapshot's value, or unset) before the next
 * lease runs a statement, so a lease never sees another's values.
 */
public final class Workspace implements AutoCloseable {

    private static final List<Sink> SINKS = List.of(Sink.values());

    private final Connection c;
    private final SqlFile sql;
    private final long windowMs;
    private final double rsd;
    private final ReadPool pool;
    private SnapshotFiles files;
    private boolean viewsCreated;
    /** Each variable's value as last set on this connection (absent: never set, or reset). */
    private final Map<String, Object> bound = new HashMap<>();
    /** The snapshot's variables, as {@link #bind} set them. */
    private final Map<String, Object> snapshotVars = new HashMap<>();
    /** Variables set by the current lease, and those an earlier lease set that are not put back yet. */
    private final Set<String> leaseVars = new HashSet<>();
    private final Set<String> staleVars = new HashSet<>();
    private final Map<String, PreparedStatement> setters = new HashMap<>();
    private boolean leased;
    private boolean broken;

    private Workspace(Connection c, SqlFile sql, long windowMs, double rsd, ReadPool pool) {
        this.c = c;
        this.sql = sql;
        this.windowMs = windowMs;
        this.rsd = rsd;
        this.pool = pool;
    }

    /** A workspace of its own connection over {@code snap}: {@link #close()} closes the connection. */
    public static Workspace open(DuckDb db, SqlFile sql, OutputSnapshot snap, long windowMs, double rsd)
            throws SQLException {
        return open(db, sql, new SnapshotFiles(snap), windowMs, rsd, null);
    }

    /** For {@code pool} (when not null): {@link #close()} then gives the workspace back instead of closing it. */
    static Workspace open(DuckDb db, SqlFile sql, SnapshotFiles files, long windowMs, double rsd, ReadPool pool)
            throws SQLException {
        Connection c = db.connect();
        Workspace w = new Workspace(c, sql, windowMs, rsd, pool);
        try {
            w.runBlock("session");
            w.bind(files);
            return w;
        } catch (SQLException | RuntimeException e) {
            w.closeConnection();
            throw e;
        }
    }

    /**
     * Binds the connection to {@code snapshot}: its variables and checkpoint tables. The views, created on the first
     * bind, read both through {@code getvariable} and by name when a statement runs, so they need not change.
     */
    void bind(SnapshotFiles snapshot) throws SQLException {
        OutputSnapshot snap = snapshot.snapshot();
        files = snapshot;
        snapshotVars.clear();
        setSnapshotVar("window_ms", windowMs);
        setSnapshotVar("rsd", rsd);
        setSnapshotVar("uv_sigma", UvPrecision.sigma(UvPrecision.lgK(rsd)));
        setSnapshotVar("sealed_ms", snap.sealedMs());
        for (Sink s : SINKS) {
            // An empty list is fine: the views of queries.sql read no file then (committed_rows).
            setSnapshotVar(s.dir() + "_files", snapshot.all(s));
        }
        loadBatches("ingest_batches", snap.batches().getOrDefault(Query.INGEST, List.of()));
        loadFileSource(snap);
        loadLinkThree(snap);
        setSnapshotVar("landing_files", snapshot.landing());
        staleVars.removeAll(snapshotVars.keySet());
        if (!viewsCreated) {
            runBlock("views");
            viewsCreated = true;
        }
    }

    public OutputSnapshot snapshot() {
        return files.snapshot();
    }

    /**
     * Reads only one time partition directory (e.g. {@code date=2026-11-21/hour=22}) of the sink for the rest of this
     * lease: uv and pv are partitioned by window start, so one window's rows are all there, and the views bind over
     * one file instead of hundreds.
     */
    public void narrow(Sink sink, String partitionDir) throws SQLException {
        set(sink.dir() + "_files", files.partition(sink, partitionDir));
    }

    /** Reads only {@code files} of the sink (committed files of the snapshot) for the rest of this lease. */
    public void narrow(Sink sink, List<String> files) throws SQLException {
        set(sink.dir() + "_files", files);
    }

    /** The snapshot's committed files, whole and by partition. */
    public SnapshotFiles files() {
        return files;
    }

    public void runBlock(String name) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String stmt : sql.block(name)) {
                s.execute(stmt);
            }
        }
    }

    /**
     * Binds a value to a DuckDB variable that the statements read with {@code getvariable(name)}, for the rest of this
     * lease. A list binds as a VARCHAR[].
     */
    public void set(String name, Object value) throws SQLException {
        leaseVars.add(name);
        staleVars.remove(name);
        apply(name, value);
    }

    private void setSnapshotVar(String name, Object value) throws SQLException {
        snapshotVars.put(name, value);
        apply(name, value);
    }

    private void apply(String name, Object value) throws SQLException {
        if (bound.containsKey(name) && Objects.equals(bound.get(name), value)) {
            return;
        }
        if (!name.matches("[a-z_]+")) {
            throw new IllegalArgumentException("variable name " + name);
        }
        PreparedStatement ps = setters.get(name);
        if (ps == null) {
            ps = c.prepareStatement("SET VARIABLE " + name + " = ?");
            setters.put(name, ps);
        }
        try {
            if (value instanceof Array a) {
                ps.setArray(1, a);
            } else if (value instanceof List<?> l) {
                ps.setArray(1, c.createArrayOf("VARCHAR", l.toArray()));
            } else {
                ps.setObject(1, value);
            }
            ps.execute();
        } catch (SQLException | RuntimeException e) {
            broken = true;
            throw e;
        }
        bound.put(name, value);
    }

    /** Puts back what an earlier lease set and this one has not: the snapshot's value, or unset. */
    private void settle() throws SQLException {
        for (String name : List.copyOf(staleVars)) {
            if (snapshotVars.containsKey(name)) {
                apply(name, snapshotVars.get(name));
            } else {
                try (Statement s = c.createStatement()) {
                    s.execute("RESET VARIABLE " + name);
                }
                bound.remove(name);
            }
            staleVars.remove(name);
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
     * per query, 'ingest' on the files source and always 'windows', with their start/end logOffset) and
     * {@code source_files} (each query's source log: landing files for ingest, events parquet files for windows).
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
            for (Query query : Query.values()) {
                Long previous = null;
                for (BatchOffsets b : snap.batches().getOrDefault(query, List.of())) {
                    if (b.fileLogOffset() == null) {
                        continue;
                    }
                    if (b.committed()) {
                        batches.setString(1, query.dir());
                        batches.setLong(2, b.batchId());
                        batches.setLong(3, b.watermarkMs());
                        batches.setObject(4, previous);
                        batches.setLong(5, b.fileLogOffset());
                        batches.addBatch();
                    }
                    previous = b.fileLogOffset();
                }
                for (Map.Entry<String, Long> f : snap.sourceFiles().getOrDefault(query, Map.of()).entrySet()) {
                    files.setString(1, query.dir());
                    files.setString(2, f.getKey());
                    files.setLong(3, f.getValue());
                    files.addBatch();
                }
            }
            batches.executeBatch();
            files.executeBatch();
        }
    }

    /**
     * Link 3's two sides, as pv_accounted reads them on either format: {@code windows_batches} (each committed
     * windows batch with its watermark and how far it had read: its source log's {@code logOffset} on Parquet, the
     * high-water ingest batch of its snapshot on Iceberg, null when that cannot be told) and, on Iceberg,
     * {@code ingest_reads} (what each planned ingest batch read: a Kafka range's end offset per partition, or a
     * landing file), by which an events row is keyed; {@code events_read_by} says which key applies.
     */
    private void loadLinkThree(OutputSnapshot snap) throws SQLException {
        LinkThreeSides sides = LinkThreeSides.of(snap);
        setSnapshotVar("events_read_by", sides.eventsReadBy());
        try (Statement s = c.createStatement()) {
            s.execute("CREATE OR REPLACE TEMP TABLE windows_batches (batch_id BIGINT, watermark_ms BIGINT,"
                    + " read_to BIGINT)");
            s.execute("CREATE OR REPLACE TEMP TABLE ingest_reads (kafka_partition INTEGER, end_offset BIGINT,"
                    + " source_file VARCHAR, batch_id BIGINT)");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO windows_batches VALUES (?, ?, ?)")) {
            for (LinkThreeSides.WindowsRead w : sides.windows()) {
                ps.setLong(1, w.batchId());
                ps.setLong(2, w.watermarkMs());
                ps.setObject(3, w.readTo());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ingest_reads VALUES (?, ?, ?, ?)")) {
            for (LinkThreeSides.IngestRead r : sides.ingest()) {
                ps.setObject(1, r.kafkaPartition());
                ps.setObject(2, r.endOffset());
                ps.setString(3, r.sourceFile());
                ps.setLong(4, r.batchId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Runs the single statement of block {@code name} after binding {@code vars}; rows as column -> value. */
    public List<Map<String, Object>> rows(String name, Map<String, Object> vars) throws SQLException {
        for (Map.Entry<String, Object> v : vars.entrySet()) {
            set(v.getKey(), v.getValue());
        }
        settle();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.statement(name))) {
            return read(rs);
        } catch (SQLException | RuntimeException e) {
            broken = true;
            throw e;
        }
    }

    /** What {@link #forEachRow} calls per row, on the result set positioned at it. */
    @FunctionalInterface
    public interface RowReader {
        void row(ResultSet rs) throws SQLException;
    }

    /**
     * Runs the single statement of block {@code name} after binding {@code vars}, handing each row to {@code reader}
     * as DuckDB produces it: for results too large to hold as maps (every window's sketch bytes of a range).
     */
    public void forEachRow(String name, Map<String, Object> vars, RowReader reader) throws SQLException {
        for (Map.Entry<String, Object> v : vars.entrySet()) {
            set(v.getKey(), v.getValue());
        }
        settle();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.statement(name))) {
            while (rs.next()) {
                reader.row(rs);
            }
        } catch (SQLException | RuntimeException e) {
            broken = true;
            throw e;
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
                    } else if (v instanceof java.sql.Blob b) {
                        // Copied now: the driver's blob may point into a result chunk freed by the next row.
                        v = b.getBytes(1, (int) b.length());
                    }
                }
                row.put(md.getColumnLabel(i), v);
            }
            out.add(row);
        }
        return out;
    }

    /** The connection, with what an earlier lease set already put back. */
    public Connection connection() throws SQLException {
        settle();
        return c;
    }

    /** Starts a lease of a pooled workspace: what the last lease set becomes stale. */
    void lease() {
        staleVars.addAll(leaseVars);
        leaseVars.clear();
        leased = true;
    }

    /** True when a statement failed in the last lease: the pool then closes the connection instead of keeping it. */
    boolean broken() {
        return broken;
    }

    /** Ends the lease of a pooled workspace (once, however often called), or closes an own connection. */
    @Override
    public void close() throws SQLException {
        if (pool == null) {
            closeConnection();
        } else if (leased) {
            leased = false;
            pool.giveBack(this);
        }
    }

    void closeConnection() throws SQLException {
        for (PreparedStatement ps : setters.values()) {
            ps.close();
        }
        c.close();
    }
}
