package io.streamingclicks.job.sink;

import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.jdbc.JdbcClientPool;

import javax.sql.rowset.CachedRowSet;
import javax.sql.rowset.RowSetProvider;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * Iceberg's {@link JdbcCatalog} for the job's SQLite catalog, without its open cursors. Iceberg 1.10's JdbcCatalog
 * reads the database's metadata ({@code getColumns} at every initialize, {@code getTables} when it creates its own
 * tables) and never closes the result: in SQLite an open cursor is an open read transaction, and every commit from
 * another connection then waits for it until SQLITE_BUSY. Each Spark session of a streaming query loads its own
 * catalog, so the job itself would block its own commits. Here those results are copied and closed at once.
 */
public class SqliteJdbcCatalog extends JdbcCatalog {

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
