package io.streamingclicks.job.samples;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.contract.OutputColumns;
import io.streamingclicks.job.transform.TimePartitions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Writes a derived output ({@code parquet/samples}, {@code parquet/features/...}) an hour at a time: the rows go to a
 * staging directory (hidden from readers: its name starts with a dot), then each hour of the range is swapped in by
 * renames: the old hour directory (if any) aside, the new one in its place, the old one deleted. A rerun replaces an
 * hour and never adds to it; an hour with no rows in the new run is removed. A reader listing the output during the
 * swap sees the old hour or the new one, or briefly none; never both. A run killed mid-way leaves its staging
 * directory, which the next run of the same output removes.
 */
public final class HourlyOutput {

    private final Path root;
    private final Configuration conf;

    /** Outputs under {@code parquetRoot} ({@code DATA_DIR/parquet}). */
    public HourlyOutput(String parquetRoot, Configuration conf) {
        this.root = new Path(parquetRoot);
        this.conf = conf;
    }

    /** Writes {@code rows}, partitioned by the date and hour of {@code timeColumn}, replacing every hour of the range. */
    public void replace(String name, Dataset<Row> rows, String timeColumn, List<Instant> hours) {
        Path target = new Path(root, name);
        Path staging = new Path(root, "." + name.replace('/', '-') + "-staging-" + UUID.randomUUID());
        try {
            FileSystem fs = target.getFileSystem(conf);
            removeStaleStaging(fs, name);
            TimePartitions.by(rows, timeColumn).write()
                    .partitionBy(DataRoot.PARTITION_COLUMNS.toArray(String[]::new))
                    .parquet(staging.toString());
            for (Instant h : hours) {
                swap(fs, new Path(staging, hourDir(h)), new Path(target, hourDir(h)), new Path(staging, "replaced"));
            }
            fs.delete(staging, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** {@code date=yyyy-MM-dd/hour=H}, as {@link TimePartitions} names them. */
    public static String hourDir(Instant h) {
        var t = h.atOffset(ZoneOffset.UTC);
        return OutputColumns.DATE + "=" + t.toLocalDate() + "/" + OutputColumns.HOUR + "=" + t.getHour();
    }

    private static void swap(FileSystem fs, Path staged, Path target, Path aside) throws IOException {
        Path old = null;
        if (fs.exists(target)) {
            old = new Path(aside, target.getParent().getName() + "-" + target.getName());
            fs.mkdirs(aside);
            rename(fs, target, old);
        }
        if (fs.exists(staged)) {
            fs.mkdirs(target.getParent());
            rename(fs, staged, target);
        }
        if (old != null) {
            fs.delete(old, true);
        }
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("rename " + from + " -> " + to + " failed");
        }
    }

    private void removeStaleStaging(FileSystem fs, String name) throws IOException {
        if (!fs.exists(root)) {
            return;
        }
        String prefix = "." + name.replace('/', '-') + "-staging-";
        for (var st : fs.listStatus(root, p -> p.getName().startsWith(prefix))) {
            fs.delete(st.getPath(), true);
        }
    }
}
