package io.streamingclicks.validator.db;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.validator.committed.SinkFiles;
import io.streamingclicks.validator.pipeline.OutputSnapshot;

/**
 * A snapshot's committed files as the SQL variables take them: every file of a sink, or the files of one time
 * partition ({@code date=2026-11-21/hour=22}, as {@link SinkFiles#partitionOf} names it on either format). Worked
 * out once per snapshot and shared by every connection bound to it, not per request: a sink holds hundreds of files,
 * a partition a few.
 */
public final class SnapshotFiles {

    private static final SinkFiles EMPTY = new SinkFiles(List.of(), List.of(), Map.of(), "", null, null);

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
        SinkFiles f = sinkFiles(sink);
        return byPartition.computeIfAbsent(sink, s -> f.files().stream()
                        .filter(p -> f.partitionOf(p) != null)
                        .collect(Collectors.groupingBy(f::partitionOf,
                                Collectors.mapping(Path::toString, Collectors.toUnmodifiableList()))))
                .getOrDefault(partitionDir, List.of());
    }

    /**
     * The committed files of the sink outside the job's partition layout ({@code date=.../hour=...}, or an Iceberg
     * table's {@code hours(...)}): a read narrowed to partitions would miss them, so the caller reads every file when
     * there are any.
     */
    public List<String> unpartitioned(Sink sink) {
        SinkFiles f = sinkFiles(sink);
        return unpartitioned.computeIfAbsent(sink, s -> f.files().stream()
                .filter(p -> f.partitionOf(p) == null).map(Path::toString).toList());
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
        return sinkFiles(sink).files();
    }

    private SinkFiles sinkFiles(Sink sink) {
        SinkFiles f = snapshot.files().get(sink);
        return f == null ? EMPTY : f;
    }
}
