package io.streamingclicks.job.sink;

import io.streamingclicks.contract.ClickEventContract;
import io.streamingclicks.job.transform.ParsedClicks;
import io.streamingclicks.job.transform.TimePartitions;
import io.streamingclicks.accounting.spark.BatchHistory;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import java.util.List;

/**
 * The {@code foreachBatch} body of the ingest query: one batch of parsed records (each read and parsed once) split
 * into valid events and quarantined records, each written to its output as the same batch id. The batch is cached
 * so the source is read and parsed once for both outputs. Either output may be absent ({@code --sinks}). Before
 * anything, the batches committed since the last one are added to the checkpoint's {@link BatchHistory}: Spark
 * purges old batches only when it plans a new one, so the previous batch is still there.
 */
public final class IngestBatch implements VoidFunction2<Dataset<Row>, Long> {

    private static final long serialVersionUID = 1L;

    private final transient BatchSink events;
    private final transient BatchSink quarantine;
    private final List<String> carried;
    private final transient BatchHistory history;

    /** @param events or null; @param quarantine or null; @param history or null (not kept) */
    public IngestBatch(BatchSink events, BatchSink quarantine, List<String> carried, BatchHistory history) {
        this.events = events;
        this.quarantine = quarantine;
        this.carried = List.copyOf(carried);
        this.history = history;
    }

    @Override
    public void call(Dataset<Row> rows, Long batchId) {
        if (history != null) {
            history.catchUp();
        }
        ParsedClicks parsed = new ParsedClicks(rows.persist(StorageLevel.MEMORY_AND_DISK()), carried);
        try {
            if (events != null) {
                events.write(batchId, TimePartitions.by(parsed.valid(), ClickEventContract.EVENT_TIME));
            }
            if (quarantine != null) {
                quarantine.write(batchId, parsed.quarantinedByArrival());
            }
        } finally {
            parsed.rows().unpersist();
        }
    }
}
