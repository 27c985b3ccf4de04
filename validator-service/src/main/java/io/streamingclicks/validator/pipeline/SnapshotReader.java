package io.streamingclicks.validator.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.streamingclicks.accounting.iceberg.IngestHighWater;
import io.streamingclicks.accounting.iceberg.TableSnapshot;
import io.streamingclicks.accounting.spark.BatchHistory;
import io.streamingclicks.accounting.spark.BatchOffsets;
import io.streamingclicks.accounting.spark.CheckpointLog;
import io.streamingclicks.accounting.spark.FileSourceLog;
import io.streamingclicks.accounting.spark.QueryId;
import io.streamingclicks.contract.DataRoot.Query;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.validator.committed.CommittedFiles;
import io.streamingclicks.validator.committed.SinkFiles;
import io.streamingclicks.validator.committed.TableReadException;
import io.streamingclicks.validator.config.ValidatorSettings;

/**
 * Reads every sink's committed files ({@link CommittedFiles} of {@code OUTPUT_FORMAT}: its {@code _spark_metadata}
 * or its Iceberg table) and both queries' checkpoints ({@code chk/ingest}, {@code chk/windows},
 * with their file-source logs) under the data root into a snapshot.
 */
@ApplicationScoped
public class SnapshotReader {

    static final List<Sink> SINKS = List.of(Sink.values());
    static final List<Query> QUERIES = List.of(Query.values());

    @Inject
    ValidatorSettings settings;

    private CommittedFiles committed;

    public OutputSnapshot read() {
        return read(settings, committed());
    }

    /** The reader of the committed files, of the format the settings name (fixed at start-up). */
    synchronized CommittedFiles committed() {
        if (committed == null) {
            committed = CommittedFiles.of(settings);
        }
        return committed;
    }

    public static OutputSnapshot read(ValidatorSettings settings) {
        return read(settings, CommittedFiles.of(settings));
    }

    public static OutputSnapshot read(ValidatorSettings settings, CommittedFiles committed) {
        Map<Query, List<BatchOffsets>> batches = new EnumMap<>(Query.class);
        for (Query q : QUERIES) {
            batches.put(q, CheckpointLog.read(settings.checkpoint(q)).batches());
        }
        // Read checkpoints before the logs (or tables): a batch is committed in the sink before in the checkpoint,
        // so the files then cover at least every batch the checkpoint calls committed.
        Map<Sink, SinkFiles> files = new EnumMap<>(Sink.class);
        for (Sink s : SINKS) {
            files.put(s, committed.read(s));
        }
        Map<Query, Map<String, Long>> sources = new EnumMap<>(Query.class);
        for (Query q : QUERIES) {
            sources.put(q, FileSourceLog.read(settings.checkpoint(q)));
        }
        return new OutputSnapshot(files, batches, CheckpointLog.committedWatermark(batches.get(Query.WINDOWS)),
                sources, landingFiles(settings.landing()), windowsReadTo(settings, committed, batches));
    }

    /**
     * On the Iceberg format, per windows batch, the highest ingest batch in the events table up to the snapshot its
     * offset names. The snapshots are read after the checkpoints: every snapshot an offset names is in the metadata
     * unless it was expired; for a batch whose snapshots were expired, the high-water the job recorded with it in
     * {@code chk/windows/history} (worked out while they were there). A batch whose high-water cannot be told either
     * way is left out (link 3 then counts nothing of the windows it bounds, and the checks say so); an unreadable
     * table leaves out all but the recorded ones (committed_files_present names the table and file).
     */
    static Map<Long, Long> windowsReadTo(ValidatorSettings settings, CommittedFiles committed,
                                        Map<Query, List<BatchOffsets>> batches) {
        List<BatchOffsets> windows = batches.get(Query.WINDOWS);
        if (windows.stream().noneMatch(b -> b.tableOffset() != null)) {
            return Map.of();
        }
        Map<Long, Long> recorded = BatchHistory.ingestHighWaters(settings.checkpoint(Query.WINDOWS));
        List<TableSnapshot> snapshots;
        try {
            snapshots = committed.snapshots(Sink.EVENTS);
        } catch (TableReadException e) {
            Map<Long, Long> out = new TreeMap<>();
            windows.stream().filter(b -> b.tableOffset() != null && recorded.containsKey(b.batchId()))
                    .forEach(b -> out.put(b.batchId(), recorded.get(b.batchId())));
            return out;
        }
        IngestHighWater highWater = new IngestHighWater(snapshots,
                QueryId.read(settings.checkpoint(Query.INGEST)).orElse(""));
        Map<Long, Long> out = new TreeMap<>();
        for (BatchOffsets b : windows) {
            if (b.tableOffset() != null) {
                try {
                    highWater.readTo(b.tableOffset()).ifPresent(h -> out.put(b.batchId(), h));
                } catch (IllegalStateException notTheJobs) {
                    // a snapshot names the ingest query but no batch: its high-water cannot be told
                }
                if (!out.containsKey(b.batchId()) && recorded.containsKey(b.batchId())) {
                    out.put(b.batchId(), recorded.get(b.batchId()));
                }
            }
        }
        return out;
    }

    /** The files the file source can read: regular files whose names start with neither '.' nor '_'. */
    public static List<Path> landingFiles(Path landing) {
        if (!Files.isDirectory(landing)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(landing)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")
                    && !p.getFileName().toString().startsWith("_") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the landing directory " + landing, e);
        }
    }
}
