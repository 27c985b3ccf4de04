package io.streamingclicks.validator.pipeline;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.validator.committed.CommittedFiles;
import io.streamingclicks.validator.committed.CommittedOutputReader;
import io.streamingclicks.validator.config.ValidatorSettings;

/** Reads every sink's {@code _spark_metadata} and every query's checkpoint under the data root into a snapshot. */
@ApplicationScoped
public class SnapshotReader {

    static final List<Sink> SINKS = List.of(Sink.UV, Sink.PV, Sink.EVENTS, Sink.QUARANTINE);

    @Inject
    ValidatorSettings settings;

    public OutputSnapshot read() {
        return read(settings);
    }

    public static OutputSnapshot read(ValidatorSettings settings) {
        Map<Sink, List<BatchOffsets>> batches = new EnumMap<>(Sink.class);
        for (Sink s : SINKS) {
            batches.put(s, CheckpointReader.read(settings.checkpoint(s)));
        }
        // Read checkpoints before the logs: a batch is committed in the sink log before in the checkpoint, so the
        // files then cover at least every batch the checkpoint calls committed.
        Map<Sink, CommittedFiles> files = new EnumMap<>(Sink.class);
        for (Sink s : SINKS) {
            files.put(s, CommittedOutputReader.read(settings.output(s)));
        }
        return new OutputSnapshot(files, batches, CheckpointReader.committedWatermark(batches.get(Sink.UV)),
                CheckpointReader.committedWatermark(batches.get(Sink.PV)));
    }
}
