package io.streamingclicks.validator.committed;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The committed data files of one sink at one snapshot, however the output format records them: the files on disk,
 * those the format names but the disk lacks (a loss, for a check to report, never to read), and each file's time
 * partition as the Parquet layout names it ({@code date=2026-11-21/hour=22}), so a read narrowed to one hour finds
 * the same files on either format.
 *
 * @param files      the committed files on disk
 * @param missing    the committed files that are not
 * @param partitions each file's time partition; a file without one is outside the layout (every read takes it)
 * @param origin     what named the files, for messages: {@code parquet/pv/_spark_metadata}, {@code Iceberg table
 *                   clicks.pv snapshot 42}
 * @param snapshotId the Iceberg snapshot read, null for Parquet output or a table without a snapshot
 * @param error      why the sink could not be read (an unreadable metadata.json, delete files), null when it was:
 *                   the sink then reads as empty and the check {@code committed_files_present} fails with this text
 * @param committedAt when the Iceberg snapshot read was committed, null when {@code snapshotId} is
 */
public record SinkFiles(List<Path> files, List<Path> missing, Map<Path, String> partitions, String origin,
                        Long snapshotId, String error, Instant committedAt) {

    public SinkFiles(List<Path> files, List<Path> missing, Map<Path, String> partitions, String origin,
                     Long snapshotId, String error) {
        this(files, missing, partitions, origin, snapshotId, error, null);
    }

    public static SinkFiles unreadable(String origin, String error) {
        return new SinkFiles(List.of(), List.of(), Map.of(), origin, null, error);
    }

    public boolean isEmpty() {
        return files.isEmpty();
    }

    /** Every file named, on disk or not. */
    public List<Path> named() {
        return Stream.concat(files.stream(), missing.stream()).toList();
    }

    /** The file's time partition directory, null when it has none. */
    public String partitionOf(Path file) {
        return partitions.get(file);
    }
}
