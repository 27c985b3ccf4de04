package io.streamingclicks.validator.dq;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.streamingclicks.validator.db.DuckDb;

/** Stores check results in {@code dq_results} of {@code validator.duckdb} and reads back the latest and history. */
@ApplicationScoped
public class CheckHistory {

    @Inject
    DuckDb db;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "validator.dq.retention", defaultValue = "P7D")
    java.time.Duration retention;

    public void store(List<CheckResult> results) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("INSERT INTO dq_results VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (CheckResult r : results) {
                ps.setString(1, r.check());
                ps.setString(2, r.status().code());
                setDouble(ps, 3, r.value());
                setDouble(ps, 4, r.warnThreshold());
                setDouble(ps, 5, r.failThreshold());
                ps.setString(6, r.detail());
                ps.setObject(7, LocalDateTime.ofInstant(r.checkedAt(), ZoneOffset.UTC));
                ps.addBatch();
            }
            ps.executeBatch();
            // Keep the history bounded: 14 results every 30 s is 40,000 rows a day.
            try (PreparedStatement del = c.prepareStatement("DELETE FROM dq_results WHERE checked_at < ?")) {
                del.setObject(1, LocalDateTime.ofInstant(Instant.now().minus(retention), ZoneOffset.UTC));
                del.execute();
            }
        }
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null || v.isNaN() || v.isInfinite()) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    /** The latest result of each check. */
    public List<CheckResult> latest() throws SQLException {
        return query("SELECT * FROM dq_results QUALIFY row_number() OVER (PARTITION BY check_name"
                + " ORDER BY checked_at DESC) = 1 ORDER BY check_name", null, 0);
    }

    /** The last {@code limit} results of each check (or of one check), newest first. */
    public List<CheckResult> history(String check, int limit) throws SQLException {
        return query("SELECT * FROM dq_results WHERE (? IS NULL OR check_name = ?) QUALIFY row_number() OVER"
                + " (PARTITION BY check_name ORDER BY checked_at DESC) <= ? ORDER BY check_name, checked_at DESC",
                check, limit);
    }

    private List<CheckResult> query(String sql, String check, int limit) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (sql.contains("?")) {
                ps.setString(1, check);
                ps.setString(2, check);
                ps.setInt(3, limit);
            }
            List<CheckResult> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new CheckResult(rs.getString("check_name"),
                            Status.valueOf(rs.getString("status").toUpperCase(java.util.Locale.ROOT)),
                            (Double) rs.getObject("value"), (Double) rs.getObject("warn_threshold"),
                            (Double) rs.getObject("fail_threshold"), rs.getString("detail"),
                            rs.getObject("checked_at", LocalDateTime.class).toInstant(ZoneOffset.UTC)));
                }
            }
            return out;
        }
    }

    static Instant now() {
        return Instant.now();
    }
}
