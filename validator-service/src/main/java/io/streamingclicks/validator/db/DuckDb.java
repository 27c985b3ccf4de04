package io.streamingclicks.validator.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.Startup;
import io.streamingclicks.validator.config.ValidatorSettings;

/**
 * The validator's DuckDB database, {@code <DATA_DIR>/validator.duckdb} (DQ history), opened once with extension
 * download switched off and a memory limit; every user gets its own connection.
 */
@Startup
@Singleton
public class DuckDb {

    @Inject
    ValidatorSettings settings;

    @ConfigProperty(name = "validator.duckdb.memory-limit", defaultValue = "512MB")
    String memoryLimit;

    @ConfigProperty(name = "validator.duckdb.threads", defaultValue = "2")
    int threads;

    /** True for a database held in memory only (the one-shot {@code make dq}: no history, no lock on the file). */
    boolean inMemory;

    private DuckDBConnection db;

    @PostConstruct
    void open() {
        Path file = settings.validatorDb();
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data root " + file.getParent() + " (DATA_DIR)", e);
        }
        Properties p = new Properties();
        p.setProperty("autoinstall_known_extensions", "false");
        p.setProperty("autoload_known_extensions", "false");
        p.setProperty("memory_limit", memoryLimit);
        p.setProperty("threads", Integer.toString(threads));
        try {
            db = (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:" + (inMemory ? "" : file), p);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the validator database " + file
                    + " (is another validator running on the same DATA_DIR?): " + e.getMessage(), e);
        }
        try (Statement s = db.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS dq_results (
                      check_name VARCHAR NOT NULL, status VARCHAR NOT NULL, value DOUBLE, warn_threshold DOUBLE,
                      fail_threshold DOUBLE, detail VARCHAR, checked_at TIMESTAMP NOT NULL)""");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the validator database " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A database outside CDI held in memory: it neither reads nor locks {@code validator.duckdb}, so it runs next to a
     * running validator. Close it with {@link #closeStandalone()}.
     */
    public static DuckDb inMemory(ValidatorSettings settings, String memoryLimit, int threads) {
        DuckDb db = new DuckDb();
        db.settings = settings;
        db.memoryLimit = memoryLimit;
        db.threads = threads;
        db.inMemory = true;
        db.open();
        return db;
    }

    public void closeStandalone() throws SQLException {
        close();
    }

    /** A new connection to the database, which the caller closes. */
    public Connection connect() throws SQLException {
        return db.duplicate();
    }

    @PreDestroy
    void close() throws SQLException {
        if (db != null) {
            db.close();
        }
    }
}
