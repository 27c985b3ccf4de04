package io.streamingclicks.trainer;

import io.streamingclicks.job.samples.FeatureSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.Duration;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * The model's inputs, made from the features {@code make samples} wrote (docs/training.md is their definition).
 * They follow the form of a click model {@code logit p = c + user effect + page effect + gamma * revisit}: the logit
 * of the user's and the page's smoothed 24-hour CTR (their effects on the logit scale; the smoothing keeps them
 * finite), and whether u viewed p in the 30 minutes before t (a revisit). A logistic regression on them can then
 * weigh each as the click model would.
 */
public final class ModelFeatures {

    public static final String USER_CTR_LOGIT = "user_ctr_24h_logit";
    public static final String PAGE_CTR_LOGIT = "page_ctr_24h_logit";
    public static final String REVISIT = "revisit_30m";
    /** In the order of the model's coefficients. */
    public static final List<String> NAMES = List.of(USER_CTR_LOGIT, PAGE_CTR_LOGIT, REVISIT);
    /** The feature columns read from parquet/features: the inputs of {@link #add}. */
    public static final List<String> SOURCES = List.of(FeatureSpec.USER_CTR_24H, FeatureSpec.PAGE_CTR_24H,
            FeatureSpec.UP_SECONDS_SINCE_VIEW);
    /** What counts as a revisit: the producer's default revisit window. */
    public static final Duration REVISIT_WINDOW = Duration.ofMinutes(30);

    private ModelFeatures() {
    }

    /** {@code rows} with the {@link #SOURCES} columns, plus the {@link #NAMES} columns. */
    public static Dataset<Row> add(Dataset<Row> rows) {
        Column since = col(FeatureSpec.UP_SECONDS_SINCE_VIEW);
        return rows.withColumn(USER_CTR_LOGIT, logit(col(FeatureSpec.USER_CTR_24H)))
                .withColumn(PAGE_CTR_LOGIT, logit(col(FeatureSpec.PAGE_CTR_24H)))
                // null: no view of p by u in the 24 h before t
                .withColumn(REVISIT, when(since.isNotNull().and(since.leq(REVISIT_WINDOW.toSeconds())), 1.0)
                        .otherwise(0.0));
    }

    /** ln(c / (1 - c)); the smoothed CTRs lie strictly between 0 and 1. */
    static Column logit(Column ctr) {
        return log(ctr.divide(lit(1.0).minus(ctr)));
    }
}
