package io.streamingclicks.contract;

import java.util.List;

/**
 * Column names of every sink under {@code parquet/}: the Spark job writes them, the validator and tests read them.
 * All sinks are partitioned by {@link #DATE} ({@code yyyy-MM-dd}, UTC) and {@link #HOUR} (0..23): of the window start
 * for uv, pv and topn, of {@code event_time} for events, of the Kafka timestamp for quarantine.
 *
 * <pre>
 * uv          window_start TIMESTAMP, window_end TIMESTAMP, uv BIGINT (the estimate),
 *             uv_sketch BINARY (the window's HLL sketch: Apache DataSketches HLL_8, lgK from UV_RSD)  (one row per window)
 * pv          window_start, window_end, page_id STRING, pv BIGINT                           (one row per window x page)
 * events      event_id, user_id, page_id, event_time, action, duration_ms,
 *             kafka_partition INT, kafka_offset BIGINT, kafka_timestamp TIMESTAMP         (every valid event)
 * quarantine  raw STRING, reason STRING (QuarantineReason code), kafka_partition, kafka_offset, kafka_timestamp
 * topn        window_start, window_end, rank INT, page_id, pv                             (one row per window x rank)
 * </pre>
 * Events read from files instead of Kafka carry the file name in {@link #SOURCE_FILE} and null Kafka columns.
 */
public final class OutputColumns {

    public static final String WINDOW_START = "window_start";
    public static final String WINDOW_END = "window_end";
    public static final String UV = "uv";
    public static final String UV_SKETCH = "uv_sketch";
    public static final String PV = "pv";
    public static final String RANK = "rank";
    public static final String KAFKA_PARTITION = "kafka_partition";
    public static final String KAFKA_OFFSET = "kafka_offset";
    public static final String KAFKA_TIMESTAMP = "kafka_timestamp";
    public static final String SOURCE_FILE = "source_file";
    public static final String RAW = "raw";
    public static final String REASON = "reason";
    public static final String DATE = "date";
    public static final String HOUR = "hour";

    public static final List<String> UV_COLUMNS = List.of(WINDOW_START, WINDOW_END, UV, UV_SKETCH);
    public static final List<String> PV_COLUMNS = List.of(WINDOW_START, WINDOW_END, ClickEventContract.PAGE_ID, PV);
    public static final List<String> TOPN_COLUMNS =
            List.of(WINDOW_START, WINDOW_END, RANK, ClickEventContract.PAGE_ID, PV);
    public static final List<String> QUARANTINE_COLUMNS =
            List.of(RAW, REASON, KAFKA_PARTITION, KAFKA_OFFSET, KAFKA_TIMESTAMP);

    private OutputColumns() {
    }
}
