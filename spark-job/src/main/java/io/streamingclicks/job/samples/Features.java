package io.streamingclicks.job.samples;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.streamingclicks.contract.ClickEventContract.ACTION;
import static io.streamingclicks.contract.ClickEventContract.DURATION_MS;
import static io.streamingclicks.contract.ClickEventContract.EVENT_TIME;
import static io.streamingclicks.contract.ClickEventContract.PAGE_ID;
import static io.streamingclicks.contract.ClickEventContract.USER_ID;
import static io.streamingclicks.job.samples.CountedEvents.COUNTED;
import static io.streamingclicks.job.samples.CountedEvents.TS;
import static io.streamingclicks.job.samples.CountedEvents.micros;
import static io.streamingclicks.job.samples.FeatureSpec.PRIOR_CLICKS;
import static io.streamingclicks.job.samples.FeatureSpec.PRIOR_VIEWS;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * The features of each sample (u, p, t) as of t, from counted events with event time in [t - w, t) (docs/features.md,
 * names and constants in {@link FeatureSpec}). Sliding windows without re-aggregating per row: every counted event at
 * τ becomes delta rows, +1 at τ and -1 at τ + w; a distinct (user, page) view contributes +1 at τ and -1 at
 * min(its next view, τ + w). The deltas and the sample rows are sorted per key by time, a sample before a delta at
 * the same time, and one running sum gives each sample what happened strictly before t and not before t - w.
 */
public final class Features {

    private static final String AT = "at";
    private static final String KIND = "kind";
    private static final String V1 = "d_views_1h";
    private static final String V24 = "d_views_24h";
    private static final String C1 = "d_clicks_1h";
    private static final String C24 = "d_clicks_24h";
    private static final String DS1 = "d_dwell_sum_1h";
    private static final String DS24 = "d_dwell_sum_24h";
    private static final String DN1 = "d_dwell_n_1h";
    private static final String DN24 = "d_dwell_n_24h";
    private static final String X1 = "d_distinct_1h";
    private static final String X24 = "d_distinct_24h";
    private static final String VIEW_AT = "view_at";
    /** On a +1 delta row the event's time, else null: a running max gives a sample its latest source event. */
    private static final String SOURCE_AT = "source_at";
    /** Where a sample row sorts among the delta rows of the same time (deltas are 1): before them. */
    static final int SAMPLE_FIRST = 0;
    private static final List<String> DELTAS = List.of(V1, V24, C1, C24, DS1, DS24, DN1, DN24, X1, X24);

    /** The delta rows of every counted event of [from - HISTORY, to), and the samples, prepared once. */
    private final Dataset<Row> deltas;
    private final Dataset<Row> samples;
    private final int sampleKind;

    private Features(Dataset<Row> deltas, Dataset<Row> samples, int sampleKind) {
        this.deltas = deltas;
        this.samples = samples;
        this.sampleKind = sampleKind;
    }

    /**
     * @param events  every event of [from - HISTORY, to) with {@code ts} and {@code counted}
     * @param samples {@link Labels#views} rows (their key, user, page, event time and ts)
     */
    public static Features of(Dataset<Row> events, Dataset<Row> samples, Instant from, Instant to) {
        return of(events, samples, from, to, SAMPLE_FIRST);
    }

    /**
     * With the sample rows sorting as {@code sampleKind} among the deltas (1) of the same time: only
     * {@link #SAMPLE_FIRST} is right. A larger value (after the deltas) is the leak the validator's checks must catch
     * (an event at exactly t counted, one at exactly t - w not): its tests derive with it.
     */
    static Features of(Dataset<Row> events, Dataset<Row> samples, Instant from, Instant to, int sampleKind) {
        long lo = micros(from.minus(FeatureSpec.HISTORY));
        long hi = micros(to);
        Dataset<Row> counted = events.where(col(COUNTED).and(col(TS).geq(lit(lo))).and(col(TS).lt(lit(hi)))
                .and(col(ACTION).isin(FeatureSpec.VIEW, FeatureSpec.CLICK)));
        long w1 = FeatureSpec.SHORT.toNanos() / 1_000;
        long w24 = FeatureSpec.LONG.toNanos() / 1_000;
        Column view = when(col(ACTION).equalTo(FeatureSpec.VIEW), 1L).otherwise(0L);
        Column click = when(col(ACTION).equalTo(FeatureSpec.CLICK), 1L).otherwise(0L);
        Column dwelt = col(ACTION).equalTo(FeatureSpec.VIEW).and(col(DURATION_MS).isNotNull());
        Column dwell = when(dwelt, col(DURATION_MS)).otherwise(0L);
        Column dwellN = when(dwelt, 1L).otherwise(0L);
        Column ts = col(TS);

        List<Dataset<Row>> parts = new ArrayList<>();
        // A view's +1 to the distinct counts rides on its own row at τ: one delta row fewer per view to sort.
        parts.add(delta(counted, ts, Map.ofEntries(Map.entry(V1, view), Map.entry(V24, view), Map.entry(C1, click),
                Map.entry(C24, click), Map.entry(DS1, dwell), Map.entry(DS24, dwell), Map.entry(DN1, dwellN),
                Map.entry(DN24, dwellN), Map.entry(X1, view), Map.entry(X24, view)), when(view.equalTo(1L), ts), ts));
        parts.add(delta(counted, ts.plus(w1), Map.of(V1, view.multiply(-1), C1, click.multiply(-1),
                DS1, dwell.multiply(-1), DN1, dwellN.multiply(-1)), null, null));
        parts.add(delta(counted, ts.plus(w24), Map.of(V24, view.multiply(-1), C24, click.multiply(-1),
                DS24, dwell.multiply(-1), DN24, dwellN.multiply(-1)), null, null));
        // Distinct (user, page) pairs: each view holds its pair "present" until the pair's next view or w.
        Dataset<Row> views = counted.where(col(ACTION).equalTo(FeatureSpec.VIEW))
                .withColumn("next_view", lead(ts, 1).over(Window.partitionBy(col(USER_ID), col(PAGE_ID)).orderBy(ts)));
        parts.add(delta(views, least(coalesce(col("next_view"), ts.plus(w1)), ts.plus(w1)), Map.of(X1, lit(-1L)),
                null, null));
        parts.add(delta(views, least(coalesce(col("next_view"), ts.plus(w24)), ts.plus(w24)), Map.of(X24, lit(-1L)),
                null, null));
        Dataset<Row> all = parts.get(0);
        for (Dataset<Row> p : parts.subList(1, parts.size())) {
            all = all.unionByName(p);
        }
        // A delta at or after TO can precede no sample.
        all = all.where(col(AT).lt(lit(hi)));
        Dataset<Row> sampleRows = samples.withColumn(AT, col(TS)).withColumn(KIND, lit(sampleKind));
        return new Features(all, sampleRows, sampleKind);
    }

    /** Per sample: the user's views, clicks, smoothed CTR, mean dwell and distinct pages over 1 h and 24 h. */
    public Dataset<Row> user() {
        Dataset<Row> s = running(List.of(USER_ID));
        return s.select(keyAnd(col(USER_ID), col(EVENT_TIME),
                col(V1).as(FeatureSpec.USER_VIEWS_1H), col(V24).as(FeatureSpec.USER_VIEWS_24H),
                col(C1).as(FeatureSpec.USER_CLICKS_1H), col(C24).as(FeatureSpec.USER_CLICKS_24H),
                ctr(C1, V1).as(FeatureSpec.USER_CTR_1H), ctr(C24, V24).as(FeatureSpec.USER_CTR_24H),
                mean(DS1, DN1).as(FeatureSpec.USER_DWELL_MS_1H), mean(DS24, DN24).as(FeatureSpec.USER_DWELL_MS_24H),
                col(X1).as(FeatureSpec.USER_PAGES_1H), col(X24).as(FeatureSpec.USER_PAGES_24H), sourceMax()));
    }

    /** Per sample: the page's views, clicks, smoothed CTR and distinct users over 1 h and 24 h. */
    public Dataset<Row> page() {
        Dataset<Row> s = running(List.of(PAGE_ID));
        return s.select(keyAnd(col(PAGE_ID), col(EVENT_TIME),
                col(V1).as(FeatureSpec.PAGE_VIEWS_1H), col(V24).as(FeatureSpec.PAGE_VIEWS_24H),
                col(C1).as(FeatureSpec.PAGE_CLICKS_1H), col(C24).as(FeatureSpec.PAGE_CLICKS_24H),
                ctr(C1, V1).as(FeatureSpec.PAGE_CTR_1H), ctr(C24, V24).as(FeatureSpec.PAGE_CTR_24H),
                col(X1).as(FeatureSpec.PAGE_USERS_1H), col(X24).as(FeatureSpec.PAGE_USERS_24H), sourceMax()));
    }

    /** Per sample: u's views and clicks of p over 24 h, and the seconds since u last viewed p (null: not in 24 h). */
    public Dataset<Row> userPage() {
        Dataset<Row> s = running(List.of(USER_ID, PAGE_ID));
        long w24 = FeatureSpec.LONG.toNanos() / 1_000;
        Column since = col(TS).minus(col(VIEW_AT));
        return s.select(keyAnd(col(USER_ID), col(PAGE_ID), col(EVENT_TIME),
                col(V24).as(FeatureSpec.UP_VIEWS_24H), col(C24).as(FeatureSpec.UP_CLICKS_24H),
                when(since.leq(w24), since.cast(DataTypes.DoubleType).divide(1e6))
                        .as(FeatureSpec.UP_SECONDS_SINCE_VIEW), sourceMax()));
    }

    /**
     * The sample rows with the running sums of every delta (and the latest view and source time) over their key's
     * stream: the stream hashed by key, sorted by (key, time, kind) within each partition, a sample before a delta at
     * the same time ("strictly before t"), then one pass ({@link RunningSums}). Spark's sort spills as it must; the
     * pass holds one key's sums, not its rows.
     */
    private Dataset<Row> running(List<String> key) {
        Dataset<Row> stream = samples.unionByName(deltas, true);
        Column[] keyColumns = key.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
        List<Column> order = new ArrayList<>(List.of(keyColumns));
        order.add(col(AT));
        order.add(col(KIND));
        StructType schema = stream.schema();
        return stream.repartition(keyColumns).sortWithinPartitions(order.toArray(Column[]::new))
                .mapPartitions(new RunningSums(schema, key, KIND, DELTAS, List.of(VIEW_AT, SOURCE_AT)),
                        Encoders.row(schema));
    }

    /**
     * The latest time of an event that went into the row's features (counted, view or click, of the row's key, in
     * [t - 24 h, t)), from the same running pass: the latest +1 delta before the sample, if the longest window still
     * holds it (an older one added nothing). The validator's check that it is before t covers every feature row.
     */
    private static Column sourceMax() {
        long w24 = FeatureSpec.LONG.toNanos() / 1_000;
        return when(col(SOURCE_AT).geq(col(TS).minus(w24)), expr("timestamp_micros(" + SOURCE_AT + ")"))
                .as(FeatureSpec.SOURCE_MAX_EVENT_TIME);
    }

    private static Dataset<Row> delta(Dataset<Row> rows, Column at, Map<String, Column> values, Column viewAt,
                                      Column sourceAt) {
        Map<String, Column> cols = new LinkedHashMap<>();
        cols.put(USER_ID, col(USER_ID));
        cols.put(PAGE_ID, col(PAGE_ID));
        cols.put(AT, at);
        cols.put(KIND, lit(RunningSums.DELTA));
        for (String d : DELTAS) {
            Column v = values.getOrDefault(d, lit(0L));
            cols.put(d, v.cast(DataTypes.LongType));
        }
        cols.put(VIEW_AT, viewAt == null ? lit(null).cast(DataTypes.LongType) : viewAt);
        cols.put(SOURCE_AT, sourceAt == null ? lit(null).cast(DataTypes.LongType) : sourceAt);
        return rows.select(cols.entrySet().stream().map(e -> e.getValue().as(e.getKey())).toArray(Column[]::new));
    }

    private static Column[] keyAnd(Column... rest) {
        List<Column> out = new ArrayList<>();
        Labels.KEY.forEach(k -> out.add(col(k)));
        out.addAll(List.of(rest));
        return out.toArray(Column[]::new);
    }

    private static Column ctr(String clicks, String views) {
        return col(clicks).plus(PRIOR_CLICKS).divide(col(views).plus(PRIOR_VIEWS));
    }

    private static Column mean(String sum, String n) {
        return when(col(n).gt(0), col(sum).cast(DataTypes.DoubleType).divide(col(n)));
    }
}
