package io.streamingclicks.job.sink;

import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.jdbc.JdbcClientPool;
import org.slf4j.LoggerFactory;

import javax.sql.rowset.CachedRowSet;
import javax.sql.rowset.RowSetProvider;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Iceberg's {@link JdbcCatalog} for the job's SQLite catalog, without its open cursors. Iceberg 1.10's JdbcCatalog
 * reads the database's metadata ({@code getColumns} at every initialize, {@code getTables} when it creates its own
 * tables) and never closes the result: in SQLite an open cursor is an open read transaction, and every commit from
 * another connection then waits for it until SQLITE_BUSY. Each Spark session of a streaming query loads its own
 * catalog, so the job itself would block its own commits. Here those results are copied and closed at once.
 */
public class SqliteJdbcCatalog extends JdbcCatalog {

    /**
     * Test-only, off unless the job's JVM runs with {@code -Dstreamingclicks.test.halt-in-commit=<table>} (a table of
     * {@code Warehouse}, e.g. {@code pv}): the first commit of that table halts the JVM with {@link #HALT_STATUS}
     * inside the catalog's commit, after Iceberg wrote the commit's data files, manifests, manifest list and new
     * {@code metadata.json}, and before the catalog row's compare-and-set ({@code UPDATE iceberg_tables SET
     * metadata_location = ? ... WHERE ... metadata_location = <the one read>}) that makes them the table's. A SIGKILL
     * from outside cannot be aimed at that moment (IcebergCrashIT).
     */
    public static final String HALT_IN_COMMIT = "streamingclicks.test.halt-in-commit";
    public static final int HALT_STATUS = 98;

    /** How Iceberg's JdbcUtil moves a table's pointer (V0 and V1 schema); its 5th parameter is the table name. */
    private static final String COMMIT_SQL = "UPDATE ICEBERG_TABLES SET METADATA_LOCATION = ?";
    private static final int COMMIT_TABLE_PARAMETER = 5;

    public SqliteJdbcCatalog() {
        super(null, props -> new ClosingPool(props), true);
    }

    /** The connection pool of {@link JdbcCatalog}, whose connections hand out closed-at-once metadata results. */
    static final class ClosingPool extends JdbcClientPool {

        ClosingPool(Map<String, String> props) {
            super(props.get(CatalogProperties.URI), props);
        }

        @Override
        protected Connection newClient() {
            return wrap(super.newClient());
        }

        @Override
        protected Connection reconnect(Connection client) {
            return wrap(super.reconnect(unwrap(client)));
        }

        @Override
        protected void close(Connection client) {
            super.close(unwrap(client));
        }
    }

    static Connection wrap(Connection c) {
        return (Connection) Proxy.newProxyInstance(SqliteJdbcCatalog.class.getClassLoader(),
                new Class<?>[] {Connection.class, Unwrapped.class}, (proxy, m, args) -> {
                    if (m.getDeclaringClass() == Unwrapped.class) {
                        return c;
                    }
                    Object r = invoke(c, m, args);
                    if (r instanceof PreparedStatement ps && haltTable() != null
                            && m.getName().equals("prepareStatement") && isCommit(args[0])) {
                        return haltingCommit(ps, haltTable());
                    }
                    return r instanceof DatabaseMetaData md ? metadata(md) : r;
                });
    }

    private static Connection unwrap(Connection c) {
        return c instanceof Unwrapped u ? u.target() : c;
    }

    /** Marks a wrapped connection and gives back the driver's. */
    interface Unwrapped {
        Connection target();
    }

    private static String haltTable() {
        return System.getProperty(HALT_IN_COMMIT);
    }

    private static boolean isCommit(Object sql) {
        return sql instanceof String s && s.toUpperCase(Locale.ROOT).startsWith(COMMIT_SQL);
    }

    /** The commit statement, halting the JVM instead of executing it when its table is {@code table}. */
    private static PreparedStatement haltingCommit(PreparedStatement ps, String table) {
        Map<Integer, Object> parameters = new HashMap<>();
        InvocationHandler h = (proxy, m, args) -> {
            if (m.getName().equals("setString") && args.length == 2) {
                parameters.put((Integer) args[0], args[1]);
            }
            if (m.getName().equals("executeUpdate") && table.equals(parameters.get(COMMIT_TABLE_PARAMETER))) {
                LoggerFactory.getLogger(SqliteJdbcCatalog.class).warn("{}={}: halting the JVM inside the commit of"
                        + " table {}: its new metadata file {} is written, the catalog row still names {}",
                        HALT_IN_COMMIT, table, table, parameters.get(1), parameters.get(6));
                Runtime.getRuntime().halt(HALT_STATUS);
            }
            return invoke(ps, m, args);
        };
        return (PreparedStatement) Proxy.newProxyInstance(SqliteJdbcCatalog.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, h);
    }

    private static DatabaseMetaData metadata(DatabaseMetaData md) {
        InvocationHandler h = (proxy, m, args) -> {
            Object r = invoke(md, m, args);
            return r instanceof ResultSet rs ? copyAndClose(rs) : r;
        };
        return (DatabaseMetaData) Proxy.newProxyInstance(SqliteJdbcCatalog.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class}, h);
    }

    private static ResultSet copyAndClose(ResultSet rs) throws SQLException {
        try (rs) {
            CachedRowSet copy = RowSetProvider.newFactory().createCachedRowSet();
            copy.populate(rs);
            return copy;
        }
    }

    private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
