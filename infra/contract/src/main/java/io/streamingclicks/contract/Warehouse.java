package io.streamingclicks.contract;

/**
 * The Iceberg layout of a data root ({@link OutputFormat#ICEBERG}). One table per {@link DataRoot.Sink}, named after
 * its directory, in one namespace of a JDBC catalog kept in an SQLite file inside the warehouse. The catalog commits a
 * table by a compare-and-set of its metadata location in that file, so the job, {@code make compact} and any other
 * writer may commit from their own processes; a file-system catalog's lock is per JVM.
 *
 * <pre>
 * warehouse/catalog.db                    the JDBC catalog (SQLite): table name -> current metadata.json
 * warehouse/clicks/&lt;sink&gt;/metadata/      each table's metadata, manifests and snapshots
 * warehouse/clicks/&lt;sink&gt;/data/          its Parquet data files, hidden partitions by hour
 * </pre>
 *
 * Tables keep the Parquet format's columns, {@code date} and {@code hour} included as plain columns, so every query
 * of the validator reads either format with the same SQL.
 */
public final class Warehouse {

    public static final String DIR = "warehouse";
    public static final String CATALOG_FILE = "catalog.db";
    /** The catalog's name: Spark's {@code spark.sql.catalog.<name>} and the JDBC catalog's {@code catalog_name}. */
    public static final String CATALOG = "clicks";
    public static final String NAMESPACE = "clicks";
    /**
     * Snapshot summary keys of a commit made by a micro-batch: the streaming query's id (it lives in the checkpoint's
     * {@code metadata} file) and the batch id. A batch at or below the last one recorded for the query in the
     * table's current snapshot ancestry was committed already and is skipped.
     */
    public static final String SUMMARY_QUERY_ID = "streamingclicks.query-id";
    public static final String SUMMARY_BATCH_ID = "streamingclicks.batch-id";

    private Warehouse() {
    }

    /** The warehouse directory of {@code root}. */
    public static String location(DataRoot root) {
        return root.resolve(DIR);
    }

    /** The SQLite file holding the catalog. */
    public static String catalogFile(DataRoot root) {
        return root.resolve(DIR + "/" + CATALOG_FILE);
    }

    /** The table name of {@code sink} inside {@link #NAMESPACE}. */
    public static String table(DataRoot.Sink sink) {
        return sink.dir();
    }

    /** {@code namespace.table} of {@code sink}, as Spark SQL names it after {@code CATALOG.}. */
    public static String qualified(DataRoot.Sink sink) {
        return NAMESPACE + "." + table(sink);
    }
}
