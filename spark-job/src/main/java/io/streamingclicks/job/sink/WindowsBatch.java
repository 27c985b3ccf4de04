package io.streamingclicks.job.sink;

import io.streamingclicks.contract.OutputColumns;
import io.streamingclicks.job.transform.TimePartitions;
import io.streamingclicks.job.transform.TopN;
import io.streamingclicks.job.transform.WindowedCounts;
import io.streamingclicks.accounting.spark.BatchHistory;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The {@code foreachBatch} body of the windowed query: the batch's sealed (window, page) rows with their pv and
 * per-page sketch, cached so the aggregation runs once, then pv, uv and Top-N each written to its output as the same
 * batch id. Every row of a window is in the batch that seals it (append mode evicts a window whole), so each output
 * gets a window complete, once, from the same rows. Optionally printed to stdout as well. Before anything, the
 * batches committed since the last one are added to the checkpoint's {@link BatchHistory} (see {@link IngestBatch}).
 */
public final class WindowsBatch implements VoidFunction2<Dataset<Row>, Long> {

    private static final long serialVersionUID = 1L;

    private final transient BatchSink uv;
    private final transient BatchSink pv;
    private final transient BatchSink topn;
    private final int n;
    private final boolean console;
    private final transient BatchHistory history;

    /** @param uv, pv, topn each may be null (not written); @param history or null (not kept) */
    public WindowsBatch(BatchSink uv, BatchSink pv, BatchSink topn, int n, boolean console, BatchHistory history) {
        this.uv = uv;
        this.pv = pv;
        this.topn = topn;
        this.n = n;
        this.console = console;
        this.history = history;
    }

    @Override
    public void call(Dataset<Row> pages, Long batchId) {
        if (history != null) {
            history.catchUp();
        }
        Dataset<Row> sealed = pages.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Dataset<Row> pvRows = WindowedCounts.pv(sealed);
            Dataset<Row> uvRows = WindowedCounts.uv(sealed);
            if (pv != null) {
                pv.write(batchId, TimePartitions.by(pvRows, OutputColumns.WINDOW_START));
            }
            if (uv != null) {
                uv.write(batchId, TimePartitions.by(uvRows, OutputColumns.WINDOW_START));
            }
            if (topn != null) {
                topn.write(batchId, TimePartitions.by(TopN.rank(pvRows, n), OutputColumns.WINDOW_START));
            }
            if (console && !sealed.isEmpty()) {
                System.out.println("-------------------------------------------\nBatch: " + batchId
                        + " (sealed windows)\n-------------------------------------------");
                uvRows.drop(OutputColumns.UV_SKETCH).orderBy(OutputColumns.WINDOW_START).show(50, false);
                pvRows.orderBy(OutputColumns.WINDOW_START, OutputColumns.PV).show(50, false);
            }
        } finally {
            sealed.unpersist();
        }
    }
}
