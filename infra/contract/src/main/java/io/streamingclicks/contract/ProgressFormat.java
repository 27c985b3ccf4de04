package io.streamingclicks.contract;

/**
 * The Spark job's progress under {@code progress/}: one JSON line per micro-batch of each query, appended by a
 * {@code StreamingQueryListener} to {@code progress/<query>.jsonl} (query = {@link DataRoot.Query}'s names, ingest and
 * windows), the file rolled to {@code <query>.jsonl.1} past a size bound. Read by the validator's pipeline panel.
 *
 * <pre>
 * {"query":"ingest","run_id":"...","batch_id":42,"timestamp":"2026-11-21T22:50:05.001Z","input_rows":1200,
 *  "input_rows_per_second":240.0,"processed_rows_per_second":800.0,"batch_duration_ms":1500,
 *  "start_offsets":{"0":100,"1":98,"2":120},"end_offsets":{"0":500,"1":470,"2":510}}
 * {"query":"windows","run_id":"...","batch_id":40,"timestamp":"2026-11-21T22:50:07.120Z","input_rows":1150,
 *  "input_rows_per_second":230.0,"processed_rows_per_second":900.0,"batch_duration_ms":1300,
 *  "watermark":"2026-11-21T22:40:00Z","num_rows_dropped_by_watermark":3}
 * </pre>
 * {@code watermark} is the event-time watermark of the windows query, the one that has one (absent before the first
 * event); the offsets are the Kafka source's per-partition offsets of an ingest batch (absent for a file source:
 * the windows query, and the ingest query with {@code --source files}).
 * {@code num_rows_dropped_by_watermark} counts rows after partial aggregation (one per late key per batch): a
 * signal of late drops, not a count of events. The exact count comes from the checkpoints' offset logs.
 */
public final class ProgressFormat {

    public static final String FILE_SUFFIX = ".jsonl";

    public static final String QUERY = "query";
    public static final String RUN_ID = "run_id";
    public static final String BATCH_ID = "batch_id";
    public static final String TIMESTAMP = "timestamp";
    public static final String INPUT_ROWS = "input_rows";
    public static final String INPUT_ROWS_PER_SECOND = "input_rows_per_second";
    public static final String PROCESSED_ROWS_PER_SECOND = "processed_rows_per_second";
    public static final String BATCH_DURATION_MS = "batch_duration_ms";
    public static final String WATERMARK = "watermark";
    public static final String NUM_ROWS_DROPPED_BY_WATERMARK = "num_rows_dropped_by_watermark";
    public static final String START_OFFSETS = "start_offsets";
    public static final String END_OFFSETS = "end_offsets";

    private ProgressFormat() {
    }
}
