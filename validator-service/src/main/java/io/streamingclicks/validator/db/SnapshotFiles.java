package io.streamingclicks.validator.db;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.streamingclicks.accounting.spark.CommittedOutput;
import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.validator.pipeline.OutputSnapshot;

/**
 * A snapshot's committed files as the SQL variables take them: every file of a sink, or the files of one time
 * partition ({@code date=2026-11-21/hour=22}). Worked out once per snapshot and shared by every connection bound to
 * it, not per request: a sink holds hundreds of files, a partition a few.
 */
public final class SnapshotFiles {

    private static final int PARTITION_DEPTH = DataRoot.PARTITION_COLUMNS.size();

    private final OutputSnapshot snapshot;
    private final Map<Sink, List<String>> all = new ConcurrentHashMap<>();
    private final Map<Sink, Map<String, List<String>>> byPartition = new ConcurrentHashMap<>();
    private final Map<Sink, List<String>> unpartitioned = new ConcurrentHashMap<>();
    private volatile List<String> landing;

    public SnapshotFiles(OutputSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    public OutputSnapshot snapshot() {
        return snapshot;
    }

    /** Every committed file of the sink; the same list object for the life of the snapshot. */
    public List<String> all(Sink sink) {
        return all.computeIfAbsent(sink, s -> paths(s).stream().map(Path::toString).toList());
    }

    /** The committed files of the sink under one partition directory; empty when it has none. */
    public List<String> partition(Sink sink, String partitionDir) {
        return byPartition.computeIfAbsent(sink, s -> paths(s).stream()
                        .filter(p -> partitionOf(p) != null)
                        .collect(Collectors.groupingBy(SnapshotFiles::partitionOf,
                                Collectors.mapping(Path::toString, Collectors.toUnmodifiableList()))))
                .getOrDefault(partitionDir, List.of());
    }

    /**
     * The committed files of the sink outside the job's partition layout ({@code date=.../hour=...}): a read narrowed
     * to partitions would miss them, so the caller reads every file when there are any.
     */
    public List<String> unpartitioned(Sink sink) {
        return unpartitioned.computeIfAbsent(sink, s -> paths(s).stream()
                .filter(p -> !inLayout(partitionOf(p))).map(Path::toString).toList());
    }

    private static boolean inLayout(String partitionDir) {
        if (partitionDir == null) {
            return false;
        }
        String[] parts = partitionDir.split("/");
        for (int i = 0; i < PARTITION_DEPTH; i++) {
            if (!parts[i].startsWith(DataRoot.PARTITION_COLUMNS.get(i) + "=")) {
                return false;
            }
        }
        return true;
    }

    /** The landing files the file source can read, as listed with the snapshot. */
    public List<String> landing() {
        List<String> l = landing;
        if (l == null) {
            l = snapshot.landingFiles().stream().map(Path::toString).toList();
            landing = l;
        }
        return l;
    }

    private List<Path> paths(Sink sink) {
        CommittedOutput f = snapshot.files().get(sink);
        return f == null ? List.of() : f.files();
    }

    /** The last directories of a file's path, as many as the job partitions by; null above that depth. */
    private static String partitionOf(Path file) {
        Path dir = file.getParent();
        if (dir == null || dir.getNameCount() < PARTITION_DEPTH) {
            return null;
        }
        return dir.subpath(dir.getNameCount() - PARTITION_DEPTH, dir.getNameCount()).toString();
    }
}
