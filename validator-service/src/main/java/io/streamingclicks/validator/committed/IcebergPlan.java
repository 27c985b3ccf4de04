package io.streamingclicks.validator.committed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;

import io.streamingclicks.contract.DataRoot;

/**
 * One snapshot of a table planned by Iceberg ({@code newScan().useSnapshot(id).planFiles()}) into the data files
 * DuckDB reads, rebased by the table's {@link LocalFileIO}. A table with delete files is refused: DuckDB would read
 * the deleted rows. A manifest the snapshot lists but the disk lacks is an error naming it; a data file a manifest
 * names but the disk lacks is listed as missing, for the check to report.
 */
final class IcebergPlan {

    private IcebergPlan() {
    }

    static SinkFiles plan(Table table, String name, long snapshotId) throws TableReadException {
        Snapshot snapshot = table.snapshot(snapshotId);
        String origin = "Iceberg table " + name + " snapshot " + snapshotId;
        if (snapshot == null) {
            throw new TableReadException("Iceberg table " + name + " has no snapshot " + snapshotId
                    + " (expired, or never made)");
        }
        LocalFileIO io = (LocalFileIO) table.io();
        try {
            for (ManifestFile m : snapshot.allManifests(io)) {
                if (!io.newInputFile(m.path()).exists()) {
                    throw new TableReadException(origin + ": manifest " + io.localPath(m.path())
                            + " is missing on disk");
                }
            }
            for (ManifestFile m : snapshot.deleteManifests(io)) {
                if (m.hasAddedFiles() || m.hasExistingFiles()) {
                    throw refused(origin, io.localPath(m.path()).toString());
                }
            }
            List<Path> present = new ArrayList<>();
            List<Path> missing = new ArrayList<>();
            Map<Path, String> partitions = new HashMap<>();
            try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshotId).planFiles()) {
                for (FileScanTask task : tasks) {
                    if (!task.deletes().isEmpty()) {
                        throw refused(origin, task.deletes().get(0).location());
                    }
                    DataFile file = task.file();
                    Path local = io.localPath(file.location());
                    (Files.isRegularFile(local) ? present : missing).add(local);
                    String partition = partitionOf(table.specs().get(file.specId()), file);
                    if (partition != null) {
                        partitions.put(local, partition);
                    }
                }
            }
            return new SinkFiles(List.copyOf(present), List.copyOf(missing), Map.copyOf(partitions), origin,
                    snapshotId, null, Instant.ofEpochMilli(snapshot.timestampMillis()));
        } catch (TableReadException e) {
            throw e;
        } catch (java.io.IOException | RuntimeException e) {
            throw new TableReadException(origin + ": cannot plan its data files: " + IcebergTables.rootMessage(e), e);
        }
    }

    private static TableReadException refused(String origin, String deleteFile) {
        return new TableReadException(origin + " has delete files (e.g. " + deleteFile + "): the validator reads"
                + " append-only tables only, and DuckDB would read the deleted rows; rewrite the table without them");
    }

    /**
     * The Parquet layout's partition directory of a file partitioned by {@code hours(...)} of the time its
     * {@code date} and {@code hour} columns come from ({@code Warehouse}): {@code date=2026-11-21/hour=22}. Null
     * for any other spec: the file is then outside the layout and every read takes it.
     */
    static String partitionOf(PartitionSpec spec, DataFile file) {
        if (spec == null || spec.fields().size() != 1) {
            return null;
        }
        PartitionField field = spec.fields().get(0);
        if (!field.transform().toString().equals("hour")) {
            return null;
        }
        Integer hours = file.partition().get(0, Integer.class);
        if (hours == null) {
            return null;
        }
        var t = Instant.ofEpochSecond(hours * 3600L).atZone(ZoneOffset.UTC);
        return DataRoot.PARTITION_COLUMNS.get(0) + "=" + t.toLocalDate() + "/" + DataRoot.PARTITION_COLUMNS.get(1)
                + "=" + t.getHour();
    }
}
