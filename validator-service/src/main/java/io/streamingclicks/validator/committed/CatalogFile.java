package io.streamingclicks.validator.committed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

import org.sqlite.SQLiteConfig;

import io.streamingclicks.contract.Warehouse;

/**
 * The warehouse's JDBC catalog ({@code catalog.db}, SQLite) as a reader sees it: each table's current metadata
 * location, the row Iceberg's {@code JdbcCatalog} keeps in {@code iceberg_tables}. Opened read only for each read
 * and closed after it, so the validator takes no lock a commit would wait on beyond one SELECT.
 * <p>
 * Why one SELECT is enough to see a table whole: a commit writes the new {@code metadata.json} (and the manifests and
 * data files before it) completely, then swaps the row's location in one transaction (compare and set on the old
 * location). SQLite shows a reader the row before or after that transaction, never within it, and each location
 * it shows names a file that was complete before the row pointed to it.
 */
public final class CatalogFile {

    private static final String TABLES = "iceberg_tables";
    /** A commit holds SQLite's write lock for a few milliseconds; a read waits that long rather than failing. */
    private static final int BUSY_TIMEOUT_MS = 5_000;

    private final Path file;

    public CatalogFile(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * Table name to current metadata location, for every table of {@code namespace} in the catalog
     * {@link Warehouse#CATALOG}; empty when the catalog file or its tables do not exist yet (no table created).
     *
     * @throws SQLException when the file exists but is not a readable catalog
     */
    public Map<String, String> metadataLocations(String namespace) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        try (Connection c = config.createConnection("jdbc:sqlite:" + file)) {
            if (!hasTables(c)) {
                return out;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + TABLES
                    + " WHERE catalog_name = ? AND table_namespace = ?")) {
                ps.setString(1, Warehouse.CATALOG);
                ps.setString(2, namespace);
                try (ResultSet rs = ps.executeQuery()) {
                    boolean typed = hasColumn(rs.getMetaData(), "iceberg_type");
                    while (rs.next()) {
                        // Catalog schema V1 keeps views in the same table: only tables are read.
                        String type = typed ? rs.getString("iceberg_type") : null;
                        if (type == null || type.equalsIgnoreCase("TABLE")) {
                            out.put(rs.getString("table_name"), rs.getString("metadata_location"));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static boolean hasTables(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            ps.setString(1, TABLES);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean hasColumn(ResultSetMetaData md, String name) throws SQLException {
        for (int i = 1; i <= md.getColumnCount(); i++) {
            if (md.getColumnLabel(i).equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
