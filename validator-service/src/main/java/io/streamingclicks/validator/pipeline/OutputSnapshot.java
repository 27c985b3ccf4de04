package io.streamingclicks.validator.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.streamingclicks.accounting.spark.BatchOffsets;
import io.streamingclicks.contract.DataRoot.Query;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.validator.committed.SinkFiles;

/**
 * What the job has committed at one moment: each sink's committed files (from its {@code _spark_metadata} or its
 * Iceberg table's snapshot, {@code CommittedFiles}), each query's checkpointed batches
 * ({@code chk/ingest}, {@code chk/windows}), and the sealed bound: the windows query's committed watermark (it writes
 * uv, pv and topn of a window from the same rows; null when unknown). Also each query's file-source log (file name to
 * log batch: landing files for a files ingest, events parquet files for windows) and the landing files on disk,
 * listed after the checkpoints were read (so every file a committed batch read is listed, unless it was deleted).
 * On the Iceberg format, where the windows query streams the events table, {@code windowsReadTo} holds per windows
 * batch the highest ingest batch its offset's snapshot covers (link 3's boundary,
 * {@link io.streamingclicks.accounting.iceberg.IngestHighWater}; absent when it cannot be told); empty otherwise.
 */
public record OutputSnapshot(Map<Sink, SinkFiles> files, Map<Query, List<BatchOffsets>> batches,
                             Long sealedMs, Map<Query, Map<String, Long>> sourceFiles, List<Path> landingFiles,
                             Map<Long, Long> windowsReadTo) {

    public OutputSnapshot(Map<Sink, SinkFiles> files, Map<Query, List<BatchOffsets>> batches, Long sealedMs) {
        this(files, batches, sealedMs, Map.of(), List.of(), Map.of());
    }

    /**
     * Whether the windows query read the events table through Iceberg's streaming source (its offsets name
     * snapshots): link 3 then keys an events row by the ingest batch that wrote it, not by its events file.
     */
    public boolean windowsReadTable() {
        return batches.getOrDefault(Query.WINDOWS, List.of()).stream().anyMatch(b -> b.tableOffset() != null);
    }

    /** Where the committed output came from, judged by the ingest query's checkpoint. */
    public enum Source { KAFKA, FILES, NONE }

    public Source source() {
        boolean files = false;
        boolean kafka = false;
        for (BatchOffsets b : batches.getOrDefault(Query.INGEST, List.of())) {
            if (b.committed()) {
                files |= b.fileLogOffset() != null;
                kafka |= !b.endOffsets().isEmpty();
            }
        }
        return files ? Source.FILES : kafka ? Source.KAFKA : Source.NONE;
    }
}
