package io.streamingclicks.job.sink;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.contract.Warehouse;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.spark.SparkCatalog;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.CatalogPlugin;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's Iceberg tables ({@link Warehouse}): registers the JDBC catalog {@code clicks} in the Spark session and
 * creates the namespace and each table before the queries start, or checks that an existing table has the columns
 * this job writes. docs/iceberg.md explains the choices below.
 */
public final class IcebergTables {

    /**
     * Every table's properties: format v2 (kept in the metadata, not among the properties), bounded metadata files,
     * one file per hour and batch, the Parquet codec.
     */
    public static final Map<String, String> PROPERTIES = properties();

    private static final Logger LOG = LoggerFactory.getLogger(IcebergTables.class);
    private static final String CONF = "spark.sql.catalog." + Warehouse.CATALOG;

    private final Catalog catalog;
    private final String catalogFile;

    private IcebergTables(Catalog catalog, String catalogFile) {
        this.catalog = catalog;
        this.catalogFile = catalogFile;
    }

    private static Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(TableProperties.FORMAT_VERSION, "2");
        // Far above what a batch writes: the size compaction rewrites towards, not one the stream reaches.
        p.put(TableProperties.WRITE_TARGET_FILE_SIZE_BYTES, Long.toString(128L * 1024 * 1024));
        // Each commit writes a metadata.json; keep the last 100 and delete older ones as commits go.
        p.put(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
        p.put(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "100");
        // Rows are shuffled by partition before the write: one file per hour partition and batch, not one per task.
        p.put(TableProperties.WRITE_DISTRIBUTION_MODE, TableProperties.WRITE_DISTRIBUTION_MODE_HASH);
        // Clustered by the shuffle, a task sees its partitions in order: no open writer per partition needed.
        p.put(TableProperties.SPARK_WRITE_PARTITIONED_FANOUT_ENABLED, "false");
        // The Parquet format's codec, so a comparison of the formats compares the table format, not the codec.
        p.put(TableProperties.PARQUET_COMPRESSION, "snappy");
        return Map.copyOf(p);
    }

    /**
     * Registers the catalog in {@code spark} (JDBC catalog on {@code DATA_DIR/warehouse/catalog.db}) and creates the
     * namespace if missing.
     *
     * @throws IllegalStateException when the data root is not on a local disk (SQLite needs a local file), or the
     *         session already holds a catalog {@code clicks} on another warehouse
     */
    public static IcebergTables open(SparkSession spark, DataRoot root) {
        Path warehouse = localPath(Warehouse.location(root));
        Path catalogFile = localPath(Warehouse.catalogFile(root));
        try {
            Files.createDirectories(warehouse);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the warehouse " + warehouse + ": " + e.getMessage(), e);
        }
        String uri = "jdbc:sqlite:" + catalogFile;
        // A session loads a catalog once: a second data root in the same session would still write the first.
        String before = spark.conf().getOption(CONF + ".uri").getOrElse(() -> null);
        if (before != null && !before.equals(uri)) {
            throw new IllegalStateException("this Spark session's catalog " + Warehouse.CATALOG + " is " + before
                    + ", not " + uri + ": one session writes one warehouse (use SparkSession.newSession())");
        }
        // Spark's catalog manager reads the active session's conf (SQLConf.get), not necessarily this session's.
        SparkSession.setActiveSession(spark);
        spark.conf().set(CONF, SparkCatalog.class.getName());
        spark.conf().set(CONF + ".catalog-impl", SqliteJdbcCatalog.class.getName());
        spark.conf().set(CONF + ".uri", uri);
        spark.conf().set(CONF + ".warehouse", warehouse.toUri().toString());
        // No cache: a commit made by another process (make compact) is seen at the next load.
        spark.conf().set(CONF + ".cache-enabled", "false");
        // Passed to the SQLite driver. A commit waits this long for another one's lock on catalog.db; in WAL mode a
        // reader (the validator, another engine) never blocks the job's commits, nor they it.
        spark.conf().set(CONF + ".jdbc.busy_timeout", "30000");
        spark.conf().set(CONF + ".jdbc.journal_mode", "WAL");
        CatalogPlugin plugin = spark.sessionState().catalogManager().catalog(Warehouse.CATALOG);
        Catalog catalog = ((SparkCatalog) plugin).icebergCatalog();
        IcebergTables tables = new IcebergTables(catalog, catalogFile.toString());
        Namespace ns = Namespace.of(Warehouse.NAMESPACE);
        SupportsNamespaces namespaces = (SupportsNamespaces) catalog;
        if (!namespaces.namespaceExists(ns)) {
            namespaces.createNamespace(ns);
        }
        return tables;
    }

    /** A local path for {@code location}: a plain path or a {@code file:} URI. */
    public static Path localPath(String location) {
        URI uri = URI.create(location.replace(" ", "%20"));
        if (uri.getScheme() == null) {
            return Path.of(location).toAbsolutePath().normalize();
        }
        if ("file".equals(uri.getScheme())) {
            return Path.of(uri);
        }
        throw new IllegalStateException("the iceberg format keeps its catalog in an SQLite file, which needs a local"
                + " data root; " + location + " is not local. Use a local DATA_DIR (a mounted volume) or"
                + " OUTPUT_FORMAT=parquet.");
    }

    /** Spark SQL's name of the sink's table: {@code clicks.clicks.<sink>}. */
    public String name(String sink) {
        return Warehouse.CATALOG + "." + Warehouse.qualified(DataRoot.Sink.ofDir(sink));
    }

    /** How a checkpoint's pairing names the table: the catalog file and the table. */
    public String pairingId(String sink) {
        return "iceberg:" + catalogFile + "#" + name(sink);
    }

    private static TableIdentifier id(String sink) {
        return TableIdentifier.of(Warehouse.NAMESPACE, Warehouse.table(DataRoot.Sink.ofDir(sink)));
    }

    /** The table as the catalog has it now (no cache). */
    public Table load(String sink) {
        return catalog.loadTable(id(sink));
    }

    /** True when the sink's table exists in the catalog. */
    public boolean exists(String sink) {
        return catalog.tableExists(id(sink));
    }

    /** True when the sink's table exists and has a snapshot, i.e. some batch was committed to it. */
    public boolean hasCommits(String sink) {
        return catalog.tableExists(id(sink)) && load(sink).currentSnapshot() != null;
    }

    /**
     * Creates the sink's table with {@code columns} (every one optional, as Spark's streaming rows are nullable),
     * partitioned by {@code hours(hourColumn)}, or checks that the existing one has exactly these columns.
     *
     * @throws IllegalStateException naming the table and the columns that differ
     */
    public void ensure(String sink, StructType columns, String hourColumn) {
        StructType nullable = new StructType(Arrays.stream(columns.fields())
                .map(f -> new StructField(f.name(), f.dataType(), true, f.metadata())).toArray(StructField[]::new));
        Schema schema = SparkSchemaUtil.convert(nullable);
        if (catalog.tableExists(id(sink))) {
            checkColumns(sink, load(sink).schema(), schema);
            return;
        }
        PartitionSpec spec = PartitionSpec.builderFor(schema).hour(hourColumn).build();
        catalog.buildTable(id(sink), schema).withPartitionSpec(spec).withProperties(PROPERTIES).create();
        LOG.info("created table {} partitioned by {}", name(sink), spec);
    }

    private void checkColumns(String sink, Schema actual, Schema expected) {
        List<String> have = describe(actual);
        List<String> want = describe(expected);
        if (have.equals(want)) {
            return;
        }
        List<String> missing = new ArrayList<>(want);
        missing.removeAll(have);
        List<String> extra = new ArrayList<>(have);
        extra.removeAll(want);
        throw new IllegalStateException("table " + name(sink) + " in " + catalogFile + " has columns " + have
                + ", but this job writes " + want + " (this job's and not the table's: " + missing
                + "; the table's and not this job's: " + extra + "). It was written by another version or with"
                + " other options (--source files adds source_file): restore them, or start a new data root"
                + " (make reset).");
    }

    private static List<String> describe(Schema schema) {
        return schema.columns().stream().map(IcebergTables::describe).toList();
    }

    private static String describe(Types.NestedField f) {
        return f.name() + " " + f.type();
    }
}
