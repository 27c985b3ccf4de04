package io.streamingclicks.job.transform;

import io.streamingclicks.contract.ClickEventContract;
import io.streamingclicks.contract.Durations;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.Duration;

import static io.streamingclicks.contract.OutputColumns.PV;
import static io.streamingclicks.contract.OutputColumns.UV;
import static io.streamingclicks.contract.OutputColumns.UV_SKETCH;
import static io.streamingclicks.contract.OutputColumns.WINDOW_END;
import static io.streamingclicks.contract.OutputColumns.WINDOW_START;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hll_sketch_agg;
import static org.apache.spark.sql.functions.hll_sketch_estimate;
import static org.apache.spark.sql.functions.hll_union_agg;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.window;

/**
 * The windowed counts, all from one aggregation: per tumbling window and page, the page views and an HLL sketch of
 * the users ({@link #pages}); from a set of such rows, pv ({@link #pv}) and one uv row per window, the union of its
 * pages' sketches ({@link #uv}). In append mode a window's rows are all emitted in the batch that seals it, so uv,
 * pv and Top-N of a window are computed from the same rows, from the same events. The watermark is a no-op on a
 * batch DataFrame, so the same functions serve tests.
 */
public final class WindowedCounts {

    /** The per-page sketch column of {@link #pages}: Apache DataSketches HLL_8, as Spark's hll_sketch_agg writes. */
    public static final String PAGE_SKETCH = "page_sketch";
    private static final String WINDOW = "window";

    private WindowedCounts() {
    }

    /** (window_start, window_end, page_id, pv, page_sketch) per window and page. */
    public static Dataset<Row> pages(Dataset<Row> events, Duration window, Duration watermark, int lgK) {
        return events.withWatermark(ClickEventContract.EVENT_TIME, Durations.toSparkInterval(watermark))
                .groupBy(window(col(ClickEventContract.EVENT_TIME), Durations.toSparkInterval(window)).as(WINDOW),
                        col(ClickEventContract.PAGE_ID))
                .agg(count(lit(1)).as(PV), hll_sketch_agg(col(ClickEventContract.USER_ID), lgK).as(PAGE_SKETCH))
                .select(col(WINDOW + ".start").as(WINDOW_START), col(WINDOW + ".end").as(WINDOW_END),
                        col(ClickEventContract.PAGE_ID), col(PV), col(PAGE_SKETCH));
    }

    /** (window_start, window_end, page_id, pv) of {@link #pages} rows. */
    public static Dataset<Row> pv(Dataset<Row> pages) {
        return pages.select(col(WINDOW_START), col(WINDOW_END), col(ClickEventContract.PAGE_ID), col(PV));
    }

    /**
     * (window_start, window_end, uv, uv_sketch) per window of {@link #pages} rows: the union of the pages' sketches
     * (a user who viewed two pages counts once) and its estimate, rounded to a whole number of users.
     */
    public static Dataset<Row> uv(Dataset<Row> pages) {
        return pages.groupBy(col(WINDOW_START), col(WINDOW_END))
                .agg(hll_union_agg(col(PAGE_SKETCH)).as(UV_SKETCH))
                .select(col(WINDOW_START), col(WINDOW_END), hll_sketch_estimate(col(UV_SKETCH)).as(UV),
                        col(UV_SKETCH));
    }

    /** The console walkthrough's running clicks per user (complete mode: its state grows with the user population). */
    public static Dataset<Row> clicksPerUser(Dataset<Row> events) {
        return events.where(col(ClickEventContract.ACTION).equalTo("click"))
                .groupBy(col(ClickEventContract.USER_ID))
                .agg(count(lit(1)).as("total_clicks"));
    }
}
