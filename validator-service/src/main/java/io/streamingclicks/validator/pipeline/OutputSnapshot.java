package io.streamingclicks.validator.pipeline;

import java.util.List;
import java.util.Map;

import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.validator.committed.CommittedFiles;

/**
 * What the job has committed at one moment: each sink's committed files and each query's checkpointed batches, and
 * the stack's sealed bound (the smaller of the uv and pv queries' committed watermarks; null when unknown).
 */
public record OutputSnapshot(Map<Sink, CommittedFiles> files, Map<Sink, List<BatchOffsets>> batches,
                             Long uvWatermarkMs, Long pvWatermarkMs) {

    public Long sealedMs() {
        if (uvWatermarkMs == null || pvWatermarkMs == null) {
            return null;
        }
        return Math.min(uvWatermarkMs, pvWatermarkMs);
    }
}
