package io.streamingclicks.validator.committed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileMetadata;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.contract.Warehouse;
import io.streamingclicks.validator.fixture.TestWarehouse;

/**
 * The Iceberg side of {@link CommittedFiles} on real tables built with iceberg-core ({@code JdbcCatalog} on SQLite,
 * {@code hours(window_start)}, format version 2) over Parquet files DuckDB wrote: what is planned is what was
 * appended, older snapshots stay readable, and every way a table can be unreadable is a message naming it.
 */
class IcebergFilesTest {

    static final Instant H22 = Instant.parse("2026-11-21T22:00:00Z");
    static final Instant H23 = Instant.parse("2026-11-21T23:00:00Z");

    @TempDir
    Path tmp;

    Path root;
    TestWarehouse warehouse;
    Connection duckdb;

    @BeforeEach
    void open() throws Exception {
        root = tmp.resolve("data");
        warehouse = new TestWarehouse(root);
        duckdb = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
        try (Statement s = duckdb.createStatement()) {
            s.execute("SET TimeZone = 'UTC'");
        }
    }

    @AfterEach
    void close() throws Exception {
        duckdb.close();
        warehouse.close();
    }

    IcebergFiles files() {
        return new IcebergFiles(new IcebergTables(root.resolve(Warehouse.DIR)));
    }

    /** A pv data file of {@code rows} rows of the window at {@code hour}, written by DuckDB where the job would. */
    DataFile pvFile(Table table, String name, Instant hour, int rows) throws Exception {
        Path dir = warehouse.dataDir(Sink.PV).resolve("window_start_hour=" + hour.toString().substring(0, 13)
                .replace('T', '-'));
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        try (Statement s = duckdb.createStatement()) {
            s.execute("COPY (SELECT TIMESTAMPTZ '" + hour + "' AS window_start, TIMESTAMPTZ '" + hour
                    + "' + INTERVAL 5 MINUTE AS window_end, '/p' || i AS page_id, i::BIGINT AS pv,"
                    + " strftime(TIMESTAMPTZ '" + hour + "', '%Y-%m-%d') AS date, hour(TIMESTAMPTZ '" + hour
                    + "')::INTEGER AS hour FROM range(" + rows + ") t(i)) TO '" + file + "' (FORMAT parquet)");
        }
        return TestWarehouse.dataFile(table, file, hour, rows);
    }

    @Test
    void theCurrentSnapshotsFilesAreTheFilesAppendedWithTheirHourAsTheParquetLayoutNamesIt() throws Exception {
        Table pv = warehouse.create(Sink.PV);
        DataFile a = pvFile(pv, "a.parquet", H22, 3);
        DataFile b = pvFile(pv, "b.parquet", H23, 2);
        long snapshot = TestWarehouse.append(pv, List.of(a, b));
        Path catalog = root.resolve("warehouse/catalog.db");
        String before = sha(catalog);

        SinkFiles read = files().read(Sink.PV);

        assertThat(read.error()).isNull();
        assertThat(read.files()).containsExactlyInAnyOrder(Path.of(a.location()), Path.of(b.location()));
        assertThat(read.missing()).isEmpty();
        assertThat(read.snapshotId()).isEqualTo(snapshot);
        assertThat(read.origin()).isEqualTo("Iceberg table clicks.pv snapshot " + snapshot);
        assertThat(read.partitionOf(Path.of(a.location()))).isEqualTo("date=2026-11-21/hour=22");
        assertThat(read.partitionOf(Path.of(b.location()))).isEqualTo("date=2026-11-21/hour=23");
        // A sink whose table is not created yet has nothing committed, like an empty _spark_metadata.
        assertThat(files().read(Sink.EVENTS)).satisfies(e -> {
            assertThat(e.files()).isEmpty();
            assertThat(e.error()).isNull();
        });
        // The reader opened the catalog read only: not a byte of it changed.
        assertThat(sha(catalog)).isEqualTo(before);
        // And DuckDB reads the planned files with the SQL of the Parquet format.
        try (var ps = duckdb.prepareStatement("SELECT sum(pv) FROM read_parquet(?, hive_partitioning = false)")) {
            ps.setArray(1, duckdb.createArrayOf("VARCHAR", read.files().stream().map(Path::toString).toArray()));
            try (var rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(0 + 1 + 2 + 0 + 1);
            }
        }
    }

    @Test
    void aSecondAppendIsSeenByTheNewSnapshotAndNotByTheOlderOneByIdOrByInstant() throws Exception {
        Table pv = warehouse.create(Sink.PV);
        DataFile a = pvFile(pv, "a.parquet", H22, 3);
        long first = TestWarehouse.append(pv, List.of(a));
        Instant between = Instant.ofEpochMilli(pv.currentSnapshot().timestampMillis());
        Thread.sleep(5); // the snapshots' commit times must differ for the instant to tell them apart
        DataFile b = pvFile(pv, "b.parquet", H22, 2);
        long second = TestWarehouse.append(pv, List.of(b));
        assertThat(second).isNotEqualTo(first);

        assertThat(files().read(Sink.PV).files()).containsExactlyInAnyOrder(Path.of(a.location()),
                Path.of(b.location()));
        assertThat(files().at(Sink.PV, first).files()).containsExactly(Path.of(a.location()));
        assertThat(files().at(Sink.PV, second).files()).hasSize(2);
        SinkFiles then = files().asOf(between).read(Sink.PV);
        assertThat(then.snapshotId()).isEqualTo(first);
        assertThat(then.files()).containsExactly(Path.of(a.location()));
        assertThat(files().asOf(between.minusSeconds(3600)).read(Sink.PV)).satisfies(e -> {
            assertThat(e.files()).isEmpty();
            assertThat(e.origin()).contains("no snapshot at or before");
        });
        assertThatThrownBy(() -> files().at(Sink.PV, 42L)).isInstanceOf(TableReadException.class)
                .hasMessageContaining("clicks.pv").hasMessageContaining("no snapshot 42");
    }

    @Test
    void aTableWithADeleteFileIsRefusedNamingTheTable() throws Exception {
        Table pv = warehouse.create(Sink.PV);
        DataFile a = pvFile(pv, "a.parquet", H22, 3);
        TestWarehouse.append(pv, List.of(a));
        Path deletes = Files.writeString(a.location().isEmpty() ? tmp : Path.of(a.location()).resolveSibling(
                "d.parquet"), "not read");
        DeleteFile d = FileMetadata.deleteFileBuilder(pv.spec()).ofPositionDeletes().withPath(deletes.toString())
                .withFileSizeInBytes(Files.size(deletes)).withRecordCount(1).withFormat("parquet")
                .withPartition(a.partition()).build();
        pv.newRowDelta().addDeletes(d).commit();

        SinkFiles read = files().read(Sink.PV);

        assertThat(read.files()).isEmpty();
        assertThat(read.error()).contains("Iceberg table clicks.pv").contains("delete files")
                .contains("append-only");
    }

    @Test
    void aCorruptMetadataFileIsAnErrorNamingTheTableAndTheFile() throws Exception {
        Table pv = warehouse.create(Sink.PV);
        TestWarehouse.append(pv, List.of(pvFile(pv, "a.parquet", H22, 3)));
        Path metadata = Path.of(((org.apache.iceberg.BaseTable) pv).operations().current().metadataFileLocation());
        Files.writeString(metadata, "{\"format-version\": 2, \"table-uuid\": ");

        SinkFiles read = files().read(Sink.PV);

        assertThat(read.files()).isEmpty();
        assertThat(read.error()).contains("Iceberg table clicks.pv").contains(metadata.toString());
    }

    @Test
    void aDataFileTheManifestNamesButTheDiskLacksIsMissingNotRead() throws Exception {
        Table pv = warehouse.create(Sink.PV);
        DataFile a = pvFile(pv, "a.parquet", H22, 3);
        DataFile b = pvFile(pv, "b.parquet", H23, 2);
        TestWarehouse.append(pv, List.of(a, b));
        Files.delete(Path.of(b.location()));

        SinkFiles read = files().read(Sink.PV);

        assertThat(read.error()).isNull();
        assertThat(read.files()).containsExactly(Path.of(a.location()));
        assertThat(read.missing()).containsExactly(Path.of(b.location()));
    }

    /** The job ran with DATA_DIR=/data in a container; the validator sees the same root somewhere else. */
    @Test
    void aMovedDataRootIsReadWhereItIsNowEveryLocationRebasedOnTheTable() throws Exception {
        Table pv = warehouse.create(Sink.PV);
        DataFile a = pvFile(pv, "a.parquet", H22, 3);
        TestWarehouse.append(pv, List.of(a));
        warehouse.close();
        Path moved = tmp.resolve("mounted/elsewhere");
        Files.createDirectories(moved.getParent());
        Files.move(root, moved);

        SinkFiles read = new IcebergFiles(new IcebergTables(moved.resolve(Warehouse.DIR))).read(Sink.PV);

        assertThat(read.error()).isNull();
        assertThat(read.files()).containsExactly(moved.resolve(root.relativize(Path.of(a.location()))));
        warehouse = new TestWarehouse(tmp.resolve("unused"));
    }

    /**
     * A writer commits one file after another (and deletes each superseded metadata file) while the reader reads: each
     * read is one whole snapshot, the first k files appended and nothing else, never an error.
     */
    @Test
    void readsWhileTheWriterCommitsEachSeeOneWholeSnapshot() throws Exception {
        Table pv = warehouse.create(Sink.PV);
        pv.updateProperties().set("write.metadata.delete-after-commit.enabled", "true")
                .set("write.metadata.previous-versions-max", "1").commit();
        int commits = 25;
        List<DataFile> appended = new java.util.ArrayList<>();
        for (int i = 0; i < commits; i++) {
            appended.add(pvFile(pv, "f" + i + ".parquet", H22, 1));
        }
        List<Path> order = appended.stream().map(d -> Path.of(d.location())).toList();
        var writerFailed = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        Thread writer = new Thread(() -> {
            try {
                for (DataFile d : appended) {
                    TestWarehouse.append(pv, List.of(d));
                }
            } catch (Throwable t) {
                writerFailed.set(t);
            }
        });
        writer.start();
        int reads = 0;
        java.util.Set<Integer> seen = new java.util.TreeSet<>();
        while (writer.isAlive() || reads == 0) {
            SinkFiles read = files().read(Sink.PV);
            assertThat(read.error()).as("read %d", reads).isNull();
            assertThat(read.missing()).isEmpty();
            int k = read.files().size();
            assertThat(read.files()).containsExactlyInAnyOrderElementsOf(order.subList(0, k));
            seen.add(k);
            reads++;
        }
        writer.join();
        assertThat(writerFailed.get()).isNull();
        assertThat(files().read(Sink.PV).files()).hasSize(commits);
        assertThat(seen).as("snapshots seen by %d reads", reads).hasSizeGreaterThan(1);
    }

    @Test
    void theValidatorsFileIoRefusesToWriteAndHadoopIsNotOnTheClasspath() {
        assertThatThrownBy(() -> new LocalFileIO().newOutputFile("/x/metadata/v2.metadata.json"))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("never writes");
        assertThatThrownBy(() -> Class.forName("org.apache.hadoop.conf.Configuration"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    static String sha(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }
}
