package io.streamingclicks.job.samples;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.streamingclicks.contract.ClickEventContract.ACTION;
import static io.streamingclicks.contract.ClickEventContract.EVENT_ID;
import static io.streamingclicks.contract.ClickEventContract.EVENT_TIME;
import static io.streamingclicks.contract.ClickEventContract.PAGE_ID;
import static io.streamingclicks.contract.ClickEventContract.USER_ID;
import static io.streamingclicks.contract.OutputColumns.KAFKA_OFFSET;
import static io.streamingclicks.contract.OutputColumns.KAFKA_PARTITION;
import static io.streamingclicks.contract.OutputColumns.SOURCE_FILE;
import static io.streamingclicks.job.samples.CountedEvents.COUNTED;
import static io.streamingclicks.job.samples.CountedEvents.TS;
import static io.streamingclicks.job.samples.CountedEvents.micros;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

/**
 * Samples and their labels. A sample is a counted {@code view} (u, p, t) with t in [FROM, TO); its label is 1 iff a
 * counted click by u on p has event time in (t, min(t + H, u's next counted view of p)]. Computed per (u, p) on one
 * stream sorted by time descending, with running minima (each row sees only the rows after it in time): the first
 * click after t and the next view after t, O(n) per key, no per-row re-aggregation. A click the accounting names late
 * (link 3: the aggregation dropped it) is never a label; one that falls in a sample's interval is flagged on the
 * sample ({@link #LATE_CLICK}) so it can be reported.
 */
public final class Labels {

    /** True iff a click named late by link 3 fell in the sample's label interval: reported, never used. */
    public static final String LATE_CLICK = "late_click_in_horizon";
    /** The sample's key and columns, in order (then the label and {@link #LATE_CLICK}). */
    public static final List<String> KEY = List.of(KAFKA_PARTITION, KAFKA_OFFSET, SOURCE_FILE, EVENT_ID);

    private static final String KIND = "kind";
    private static final String VIEW_AT = "view_at";
    private static final String CLICK_AT = "click_at";
    private static final String LATE_AT = "late_click_at";

    private Labels() {
    }

    /** The counted views of [from, to): the samples, before labels. */
    public static Dataset<Row> views(Dataset<Row> events, Instant from, Instant to) {
        return events.where(col(COUNTED).and(col(ACTION).equalTo(FeatureSpec.VIEW))
                        .and(col(TS).geq(lit(micros(from)))).and(col(TS).lt(lit(micros(to)))))
                .select(col(KAFKA_PARTITION), col(KAFKA_OFFSET), col(SOURCE_FILE), col(EVENT_ID), col(USER_ID),
                        col(PAGE_ID), col(EVENT_TIME), col(TS));
    }

    /**
     * {@link #views} with {@code label} and {@link #LATE_CLICK}; {@code events} must hold every event with time in
     * [from, to + h] (counted or not).
     */
    public static Dataset<Row> label(Dataset<Row> events, Instant from, Instant to, Duration h) {
        long hMicros = h.toNanos() / 1_000;
        Dataset<Row> span = events.where(col(TS).geq(lit(micros(from))).and(col(TS).leq(lit(micros(to) + hMicros))));
        Column nullLong = lit(null).cast(DataTypes.LongType);
        // One row per distinct view time: two views of p by u at the same t share one interval.
        Dataset<Row> viewTimes = span.where(col(COUNTED).and(col(ACTION).equalTo(FeatureSpec.VIEW)))
                .select(col(USER_ID), col(PAGE_ID), col(TS)).distinct()
                .select(col(USER_ID), col(PAGE_ID), col(TS), lit(0).as(KIND), col(TS).as(VIEW_AT),
                        nullLong.as(CLICK_AT), nullLong.as(LATE_AT));
        Dataset<Row> clicks = span.where(col(ACTION).equalTo(FeatureSpec.CLICK))
                .select(col(USER_ID), col(PAGE_ID), col(TS), lit(1).as(KIND), nullLong.as(VIEW_AT),
                        when(col(COUNTED), col(TS)).as(CLICK_AT), when(not(col(COUNTED)), col(TS)).as(LATE_AT));
        // Descending time; at equal time the view first, so a click at exactly t is not "after" it.
        WindowSpec after = Window.partitionBy(col(USER_ID), col(PAGE_ID)).orderBy(col(TS).desc(), col(KIND).asc());
        WindowSpec atOrAfter = after.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        WindowSpec strictlyAfter = after.rowsBetween(Window.unboundedPreceding(), -1);
        Column end = least(col(TS).plus(hMicros), coalesce(col("next_view"), col(TS).plus(hMicros)));
        Dataset<Row> perView = viewTimes.unionByName(clicks)
                .withColumn("first_click", min(col(CLICK_AT)).over(atOrAfter))
                .withColumn("first_late_click", min(col(LATE_AT)).over(atOrAfter))
                .withColumn("next_view", min(col(VIEW_AT)).over(strictlyAfter))
                .where(col(KIND).equalTo(0))
                .select(col(USER_ID), col(PAGE_ID), col(TS),
                        when(col("first_click").isNotNull().and(col("first_click").leq(end)), 1).otherwise(0)
                                .as(FeatureSpec.LABEL),
                        coalesce(col("first_late_click").leq(end), lit(false)).as(LATE_CLICK));
        return views(events, from, to)
                .join(perView, scala.collection.JavaConverters.asScalaBuffer(List.of(USER_ID, PAGE_ID, TS)).toSeq())
                .select(col(KAFKA_PARTITION), col(KAFKA_OFFSET), col(SOURCE_FILE), col(EVENT_ID), col(USER_ID),
                        col(PAGE_ID), col(EVENT_TIME), col(TS), col(FeatureSpec.LABEL), col(LATE_CLICK));
    }
}
