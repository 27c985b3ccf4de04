package io.streamingclicks.validator.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

import io.streamingclicks.validator.config.ValidatorSettings;

/** Opens the validator's database outside CDI, for tests that wire components by hand. */
public final class DuckDbAccess {

    private DuckDbAccess() {
    }

    public static DuckDb open(ValidatorSettings settings) {
        DuckDb db = new DuckDb();
        db.settings = settings;
        db.memoryLimit = "256MB";
        db.threads = 2;
        db.open();
        return db;
    }

    public static void close(DuckDb db) throws Exception {
        db.close();
    }

    /** An in-memory DuckDB as the CLI runs here: no extension is installed or loaded from the network. */
    public static Connection offline() throws SQLException {
        return offline(new Properties());
    }

    /** {@link #offline()} with more settings (e.g. {@code memory_limit}). */
    public static Connection offline(Properties settings) throws SQLException {
        Properties p = new Properties();
        p.putAll(settings);
        p.setProperty("autoinstall_known_extensions", "false");
        p.setProperty("autoload_known_extensions", "false");
        return new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", p);
    }
}
