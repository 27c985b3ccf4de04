package io.streamingclicks.validator.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * queries.sql as a duckdb CLI user runs it, through plain DuckDB JDBC with no service class standing in for a block:
 * for tests that hold the SQL's answer against something else.
 */
public final class SqlCli {

    private SqlCli() {
    }

    /** An in-memory database, extension download and autoload off (as the file's session block sets them). */
    public static Connection cli() throws SQLException {
        Properties p = new Properties();
        p.setProperty("autoinstall_known_extensions", "false");
        p.setProperty("autoload_known_extensions", "false");
        return new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", p);
    }

    /**
     * Runs the whole file in order, as {@code duckdb -c "SET VARIABLE data_dir = '<root>'" -c ".read queries.sql"}
     * does, and fails naming every statement that failed (block, position, first line; the first is the cause).
     */
    public static void runFile(Connection c, Path root) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SET VARIABLE data_dir = ?")) {
            ps.setString(1, root.toString());
            ps.execute();
        }
        SqlFile sql = SqlFile.load();
        List<String> failed = new ArrayList<>();
        int statements = 0;
        for (String name : sql.names()) {
            List<String> block = sql.block(name);
            for (int i = 0; i < block.size(); i++) {
                statements++;
                // a new Statement each time: the JDBC driver closes one whose statement failed
                try (Statement s = c.createStatement()) {
                    s.execute(block.get(i));
                } catch (SQLException e) {
                    failed.add("-- name: " + name + ", statement " + (i + 1) + ": " + block.get(i).lines().findFirst()
                            .orElse("") + "\n    " + e.getMessage().lines().findFirst().orElse(""));
                }
            }
        }
        assertThat(failed).as("%d of %d statements of queries.sql failed on %s", failed.size(), statements, root)
                .isEmpty();
    }

    /** The rows of a named statement, run after the whole file. */
    public static List<Map<String, Object>> rows(Connection c, String name) throws SQLException {
        return query(c, SqlFile.load().statement(name));
    }

    /** The rows of any query, column label to value; sums (HUGEINT) come back as long. */
    public static List<Map<String, Object>> query(Connection c, String sql) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    row.put(rs.getMetaData().getColumnLabel(i), v instanceof BigInteger b ? (Object) b.longValue() : v);
                }
                out.add(row);
            }
        }
        return out;
    }
}
