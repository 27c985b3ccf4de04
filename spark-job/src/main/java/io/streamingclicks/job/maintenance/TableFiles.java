package io.streamingclicks.job.maintenance;

import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The data files of a table's current snapshot: how many, their bytes, and the newest hour partition among them
 * (hours since the epoch, as Iceberg's {@code hours()} transform stores it; null when no file has an hour).
 */
public record TableFiles(long files, long bytes, Integer newestHour) {

    public static TableFiles of(Table table) {
        Snapshot current = table.currentSnapshot();
        if (current == null) {
            return new TableFiles(0, 0, null);
        }
        long files = 0;
        long bytes = 0;
        Integer newest = null;
        try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(current.snapshotId()).planFiles()) {
            for (FileScanTask t : tasks) {
                files++;
                bytes += t.file().fileSizeInBytes();
                Integer hour = hour(t);
                if (hour != null && (newest == null || hour > newest)) {
                    newest = hour;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the data files of " + table.name() + ": " + e.getMessage(), e);
        }
        return new TableFiles(files, bytes, newest);
    }

    /** The file's hour partition, when its spec is the job's single {@code hours(column)} field. */
    private static Integer hour(FileScanTask t) {
        List<PartitionField> fields = t.spec().fields();
        if (fields.size() != 1 || !"hour".equals(fields.get(0).transform().toString())) {
            return null;
        }
        return t.file().partition().get(0, Integer.class);
    }

    String describe() {
        return files + " data files, " + bytes + " bytes";
    }
}
