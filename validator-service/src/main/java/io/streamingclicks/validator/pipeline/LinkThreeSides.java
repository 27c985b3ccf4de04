package io.streamingclicks.validator.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.streamingclicks.accounting.spark.BatchOffsets;
import io.streamingclicks.accounting.spark.IngestBatches;
import io.streamingclicks.contract.DataRoot.Query;

/**
 * Link 3's two sides as {@code pv_accounted} (queries.sql) reads them on either format, taken from one snapshot: the
 * rows of {@code windows_batches} and {@code ingest_reads}, and which key an events row is read by
 * ({@code events_read_by}). The service loads them into its workspace; {@code make sql-files} prints them for the
 * DuckDB CLI on the Iceberg format.
 *
 * @param readByIngestBatch true on Iceberg (the windows query streamed the events table: an events row is keyed by the
 *                          ingest batch that wrote it), false on Parquet (by the events file the source log listed)
 * @param windows           each committed windows batch with its watermark and how far it had read: its source
 *                          log's {@code logOffset} on Parquet, the high-water ingest batch of its snapshot on Iceberg
 *                          (null when that cannot be told)
 * @param ingest            on Iceberg, what each planned ingest batch read (empty on Parquet)
 */
public record LinkThreeSides(boolean readByIngestBatch, List<WindowsRead> windows, List<IngestRead> ingest) {

    public record WindowsRead(long batchId, long watermarkMs, Long readTo) {
    }

    /** A Kafka range's end offset in a partition, or a landing file, read by ingest batch {@code batchId}. */
    public record IngestRead(Integer kafkaPartition, Long endOffset, String sourceFile, long batchId) {
    }

    /** The value of {@code events_read_by}. */
    public String eventsReadBy() {
        return readByIngestBatch ? "ingest_batch" : "events_file";
    }

    public static LinkThreeSides of(OutputSnapshot snap) {
        boolean table = snap.windowsReadTable();
        List<WindowsRead> windows = new ArrayList<>();
        for (BatchOffsets b : snap.batches().getOrDefault(Query.WINDOWS, List.of())) {
            if (b.committed() && (table ? b.tableOffset() != null : b.fileLogOffset() != null)) {
                windows.add(new WindowsRead(b.batchId(), b.watermarkMs(),
                        table ? snap.windowsReadTo().get(b.batchId()) : b.fileLogOffset()));
            }
        }
        List<IngestRead> ingest = new ArrayList<>();
        if (table) {
            IngestBatches batches = new IngestBatches(snap.batches().getOrDefault(Query.INGEST, List.of()),
                    snap.sourceFiles().getOrDefault(Query.INGEST, Map.of()));
            for (IngestBatches.KafkaRange r : batches.kafkaRanges()) {
                ingest.add(new IngestRead(r.partition(), r.endOffset(), null, r.batchId()));
            }
            batches.files().forEach((file, batch) -> ingest.add(new IngestRead(null, null, file, batch)));
        }
        return new LinkThreeSides(table, windows, ingest);
    }
}
