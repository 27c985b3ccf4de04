package io.streamingclicks.validator.committed;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

import org.apache.iceberg.BaseTable;
import org.apache.iceberg.StaticTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.exceptions.NotFoundException;

import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.contract.Warehouse;
import io.streamingclicks.validator.config.ValidatorSettings;

/**
 * The sinks' Iceberg tables ({@link Warehouse}), each loaded from the metadata file its catalog row names now: the
 * row read with plain JDBC ({@link CatalogFile}), the file parsed by Iceberg ({@link TableMetadataParser}) through a
 * {@link LocalFileIO} rebased on the table's directory, the table a read-only {@link StaticTableOperations}.
 * <p>
 * Not Iceberg's {@code JdbcCatalog}: it would open a pool of read-write connections to the job's catalog (and may
 * create its tables), and retry an unreadable metadata file for minutes with back-off; a check must say at once which
 * file of which table it cannot read.
 */
public final class IcebergTables {

    /** A metadata file may be deleted by a later commit between the row read and the file read: read the row again. */
    private static final int ATTEMPTS = 3;

    private final Path warehouse;
    private final CatalogFile catalog;

    public IcebergTables(Path warehouse) {
        this.warehouse = warehouse;
        this.catalog = new CatalogFile(warehouse.resolve(Warehouse.CATALOG_FILE));
    }

    public static IcebergTables of(ValidatorSettings settings) {
        return new IcebergTables(settings.warehouse());
    }

    /** The table's name in messages: {@code clicks.pv}. */
    public static String name(Sink sink) {
        return Warehouse.qualified(sink);
    }

    /** The table's directory on this machine: {@code <warehouse>/clicks/pv}. */
    public Path tableDir(Sink sink) {
        return warehouse.resolve(Warehouse.NAMESPACE).resolve(Warehouse.table(sink));
    }

    /** Each table's current metadata location, by table name. */
    public Map<String, String> metadataLocations() throws TableReadException {
        try {
            return catalog.metadataLocations(Warehouse.NAMESPACE);
        } catch (SQLException e) {
            throw new TableReadException("cannot read the Iceberg catalog " + catalog.file() + ": " + e.getMessage(),
                    e);
        }
    }

    /** The sink's table as its catalog row names it now; empty when the catalog has no such table (not created). */
    public Optional<Table> load(Sink sink) throws TableReadException {
        String previous = null;
        for (int attempt = 1; ; attempt++) {
            String location = metadataLocations().get(Warehouse.table(sink));
            if (location == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(load(sink, location));
            } catch (TableReadException e) {
                boolean gone = e.getCause() instanceof NotFoundException;
                if (!gone || location.equals(previous) || attempt == ATTEMPTS) {
                    throw e;
                }
                previous = location;
            }
        }
    }

    /** The table as the metadata file at {@code metadataLocation} describes it. */
    Table load(Sink sink, String metadataLocation) throws TableReadException {
        LocalFileIO io = new LocalFileIO(tableDir(sink), loggedTableLocation(sink, metadataLocation));
        Path local = io.localPath(metadataLocation);
        TableMetadata metadata;
        try {
            metadata = TableMetadataParser.read(io, io.newInputFile(metadataLocation));
        } catch (RuntimeException e) {
            throw new TableReadException("Iceberg table " + name(sink) + ": cannot read its current metadata file "
                    + local + ": " + rootMessage(e), e);
        }
        return new BaseTable(new StaticTableOperations(metadata, io), Warehouse.CATALOG + "." + name(sink));
    }

    /**
     * The table's location as the writer named it: the catalog row names {@code <location>/metadata/<file>}. The
     * metadata file itself holds it too, but it must be found before that file can be read.
     */
    private String loggedTableLocation(Sink sink, String metadataLocation) throws TableReadException {
        int file = metadataLocation.lastIndexOf('/');
        int dir = file <= 0 ? -1 : metadataLocation.lastIndexOf('/', file - 1);
        if (dir < 0 || !metadataLocation.substring(dir + 1, file).equals("metadata")) {
            throw new TableReadException("Iceberg table " + name(sink) + ": its catalog row names " + metadataLocation
                    + ", not a file in the table's metadata/ directory (write.metadata.path is not supported)");
        }
        return metadataLocation.substring(0, dir);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
        return m;
    }
}
