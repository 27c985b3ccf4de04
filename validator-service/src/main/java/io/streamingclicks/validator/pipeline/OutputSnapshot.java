package io.streamingclicks.validator.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.streamingclicks.accounting.spark.BatchOffsets;
import io.streamingclicks.accounting.spark.CommittedOutput;
import io.streamingclicks.contract.DataRoot.Sink;

/**
 * What the job has committed at one moment: each sink's committed files and each query's checkpointed batches, and
 * the stack's sealed bound (the smaller of the uv and pv queries' committed watermarks; null when unknown). For the
 * file source also each query's source log (file name to log batch) and the landing files on disk, listed after
 * the checkpoints were read (so every file a committed batch read is listed, unless it was deleted).
 */
public record OutputSnapshot(Map<Sink, CommittedOutput> files, Map<Sink, List<BatchOffsets>> batches,
                             Long uvWatermarkMs, Long pvWatermarkMs, Map<Sink, Map<String, Long>> sourceFiles,
                             List<Path> landingFiles) {

    public OutputSnapshot(Map<Sink, CommittedOutput> files, Map<Sink, List<BatchOffsets>> batches,
                          Long uvWatermarkMs, Long pvWatermarkMs) {
        this(files, batches, uvWatermarkMs, pvWatermarkMs, Map.of(), List.of());
    }

    /** Where the committed output came from, judged by the events and quarantine checkpoints. */
    public enum Source { KAFKA, FILES, NONE }

    public Source source() {
        boolean files = false;
        boolean kafka = false;
        for (Sink s : List.of(Sink.EVENTS, Sink.QUARANTINE)) {
            for (BatchOffsets b : batches.getOrDefault(s, List.of())) {
                if (b.committed()) {
                    files |= b.fileLogOffset() != null;
                    kafka |= !b.endOffsets().isEmpty();
                }
            }
        }
        return files ? Source.FILES : kafka ? Source.KAFKA : Source.NONE;
    }

    public Long sealedMs() {
        if (uvWatermarkMs == null || pvWatermarkMs == null) {
            return null;
        }
        return Math.min(uvWatermarkMs, pvWatermarkMs);
    }
}
