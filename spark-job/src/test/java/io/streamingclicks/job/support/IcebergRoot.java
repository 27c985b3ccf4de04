package io.streamingclicks.job.support;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.contract.Warehouse;
import io.streamingclicks.job.sink.IcebergTables;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.TableMetadata;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Iceberg tables of a data root another process (the job jar) writes, read from the test JVM through a Spark
 * session of their own: rows of the current snapshots, the (query id, batch id) of each snapshot, and the files on disk
 * that no snapshot or metadata log names (what a crash inside a commit leaves).
 */
public final class IcebergRoot {

    public final Path root;
    public final SparkSession spark;
    private final IcebergTables tables;

    private IcebergRoot(Path root, SparkSession spark, IcebergTables tables) {
        this.root = root;
        this.spark = spark;
        this.tables = tables;
    }

    /** Registers the root's catalog in a new session of the shared Spark (one session reads one warehouse). */
    public static IcebergRoot open(Path root) {
        SparkSession spark = TestSpark.get().newSession();
        IcebergRoot out = new IcebergRoot(root, spark, IcebergTables.open(spark, DataRoot.of(root.toString())));
        SparkSession.setActiveSession(TestSpark.get());
        return out;
    }

    /** {@code sql} over the table's current snapshot as the view {@code t}. */
    public List<Row> rows(String sink, String sql) {
        try {
            return Tables.rows(spark, sink, sql);
        } finally {
            SparkSession.setActiveSession(TestSpark.get());
        }
    }

    /** Each snapshot of the table as {@code <query id>/<batch id>}, oldest first (all, not only the ancestry). */
    public List<String> batches(String sink) {
        try {
            return Tables.snapshots(spark, sink).stream().map(r -> r.<String, String>getJavaMap(2))
                    .map(s -> s.get(Warehouse.SUMMARY_QUERY_ID) + "/" + s.get(Warehouse.SUMMARY_BATCH_ID)).toList();
        } finally {
            SparkSession.setActiveSession(TestSpark.get());
        }
    }

    /** The snapshots of the table that hold batch {@code batchId} of the query {@code queryId}, by snapshot id. */
    public List<Long> snapshotsOf(String sink, String queryId, long batchId) {
        try {
            return Tables.snapshots(spark, sink).stream()
                    .filter(r -> queryId.equals(r.<String, String>getJavaMap(2).get(Warehouse.SUMMARY_QUERY_ID))
                            && Long.toString(batchId).equals(r.<String, String>getJavaMap(2)
                            .get(Warehouse.SUMMARY_BATCH_ID)))
                    .map(r -> r.getLong(0)).toList();
        } finally {
            SparkSession.setActiveSession(TestSpark.get());
        }
    }

    /** The table's current {@code metadata.json}, as the catalog row names it. */
    public String currentMetadata(String sink) {
        return metadata(sink).metadataFileLocation();
    }

    /**
     * {@code metadata.json} files in the table's {@code metadata/} that are neither the current one nor in its
     * metadata log: written by a commit whose catalog update never happened. File names.
     */
    public Set<String> unknownMetadataFiles(String sink) {
        TableMetadata current = metadata(sink);
        Set<String> known = Stream.concat(Stream.of(current.metadataFileLocation()),
                current.previousFiles().stream().map(TableMetadata.MetadataLogEntry::file)).map(IcebergRoot::name)
                .collect(Collectors.toSet());
        return files(tableDir(sink).resolve("metadata"), ".metadata.json").stream()
                .filter(n -> !known.contains(n)).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Data files on disk that no snapshot of the table names (Iceberg's {@code all_data_files}). File names. */
    public Set<String> unreferencedDataFiles(String sink) {
        Set<String> referenced = referencedDataFiles(sink);
        return files(tableDir(sink).resolve("data"), ".parquet").stream().filter(n -> !referenced.contains(n))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The data files any snapshot of the table names. File names. */
    public Set<String> referencedDataFiles(String sink) {
        try {
            SparkSession.setActiveSession(spark);
            return spark.sql("select file_path from " + Tables.name(sink) + ".all_data_files").collectAsList()
                    .stream().map(r -> name(r.getString(0))).collect(Collectors.toCollection(TreeSet::new));
        } finally {
            SparkSession.setActiveSession(TestSpark.get());
        }
    }

    private TableMetadata metadata(String sink) {
        return ((BaseTable) tables.load(sink)).operations().current();
    }

    private Path tableDir(String sink) {
        String location = tables.load(sink).location();
        return location.contains(":") ? Path.of(URI.create(location)) : Path.of(location);
    }

    private static String name(String pathOrUri) {
        return pathOrUri.substring(pathOrUri.lastIndexOf('/') + 1);
    }

    /** Names of the files under {@code dir} (recursively) ending with {@code suffix}. */
    private static Set<String> files(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(suffix)).collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
