package io.streamingclicks.job.transform;

import io.streamingclicks.contract.ClickEventContract;
import io.streamingclicks.contract.Durations;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.Duration;

import static io.streamingclicks.contract.OutputColumns.PV;
import static io.streamingclicks.contract.OutputColumns.UV;
import static io.streamingclicks.contract.OutputColumns.WINDOW_END;
import static io.streamingclicks.contract.OutputColumns.WINDOW_START;
import static org.apache.spark.sql.functions.approx_count_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.window;

/**
 * Reads valid events and writes the windowed counts: uv (one row per tumbling window, HLL++ distinct users) and pv
 * (one row per window and page). The watermark is what lets an append sink emit a window once, when it is sealed;
 * on a batch DataFrame it is a no-op, so the same function serves tests.
 */
public final class WindowedCounts {

    private static final String WINDOW = "window";

    private WindowedCounts() {
    }

    public static Dataset<Row> uv(Dataset<Row> events, Duration window, Duration watermark, double rsd) {
        return watermarked(events, watermark)
                .groupBy(window(col(ClickEventContract.EVENT_TIME), Durations.toSparkInterval(window)).as(WINDOW))
                .agg(approx_count_distinct(col(ClickEventContract.USER_ID), rsd).as(UV))
                .select(col(WINDOW + ".start").as(WINDOW_START), col(WINDOW + ".end").as(WINDOW_END), col(UV));
    }

    public static Dataset<Row> pv(Dataset<Row> events, Duration window, Duration watermark) {
        return watermarked(events, watermark)
                .groupBy(window(col(ClickEventContract.EVENT_TIME), Durations.toSparkInterval(window)).as(WINDOW),
                        col(ClickEventContract.PAGE_ID))
                .agg(count(lit(1)).as(PV))
                .select(col(WINDOW + ".start").as(WINDOW_START), col(WINDOW + ".end").as(WINDOW_END),
                        col(ClickEventContract.PAGE_ID), col(PV));
    }

    /** The console walkthrough's running clicks per user (complete mode: its state grows with the user population). */
    public static Dataset<Row> clicksPerUser(Dataset<Row> events) {
        return events.where(col(ClickEventContract.ACTION).equalTo("click"))
                .groupBy(col(ClickEventContract.USER_ID))
                .agg(count(lit(1)).as("total_clicks"));
    }

    private static Dataset<Row> watermarked(Dataset<Row> events, Duration watermark) {
        return events.withWatermark(ClickEventContract.EVENT_TIME, Durations.toSparkInterval(watermark));
    }
}
