package io.streamingclicks.trainer;

import io.streamingclicks.contract.ClickEventContract;
import io.streamingclicks.contract.OutputColumns;
import io.streamingclicks.job.samples.FeatureSpec;
import io.streamingclicks.job.samples.Labels;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

/**
 * The samples of one range joined to their features on the sample key, one row per sample: key, user, page, event
 * time ({@code ts} in microseconds too), label and {@link ModelFeatures#SOURCES}. Columns are picked by name, so
 * columns other tools add to the outputs are ignored. A range without samples, or samples without their features,
 * is refused with what to run.
 */
public final class LabelledRows {

    /** Event time in microseconds, as the samples command compares it. */
    public static final String TS = "ts";
    /** True on a row whose user, page and user_page feature rows were found; null where one is missing. */
    public static final List<String> FOUND = List.of("found_user", "found_page", "found_user_page");

    private LabelledRows() {
    }

    /** The rows of [from, to) (whole hours) under {@code parquet}. */
    public static Dataset<Row> read(SparkSession spark, Path parquet, Instant from, Instant to) {
        List<String> key = Labels.KEY;
        Dataset<Row> samples = range(spark, parquet.resolve(FeatureSpec.SAMPLES_DIR), from, to);
        if (samples == null || samples.isEmpty()) {
            throw new IllegalStateException("no samples in [" + from + ", " + to + ") under " + parquet.resolve(
                    FeatureSpec.SAMPLES_DIR) + ": run make samples FROM=" + hour(from) + " TO=" + hour(to) + " first");
        }
        List<String> sampleCols = new ArrayList<>(key);
        sampleCols.addAll(List.of(ClickEventContract.USER_ID, ClickEventContract.PAGE_ID,
                ClickEventContract.EVENT_TIME, FeatureSpec.LABEL));
        Dataset<Row> rows = samples.select(cols(sampleCols));
        rows = join(rows, features(spark, parquet, FeatureSpec.USER_DIR, from, to, FeatureSpec.USER_CTR_24H,
                FOUND.get(0)), key);
        rows = join(rows, features(spark, parquet, FeatureSpec.PAGE_DIR, from, to, FeatureSpec.PAGE_CTR_24H,
                FOUND.get(1)), key);
        // a null since-last-view is a feature value (no view in 24 h), so a missing row is told by its marker
        rows = join(rows, features(spark, parquet, FeatureSpec.USER_PAGE_DIR, from, to,
                FeatureSpec.UP_SECONDS_SINCE_VIEW, FOUND.get(2)), key);
        return rows.withColumn(TS, expr("unix_micros(" + ClickEventContract.EVENT_TIME + ")"));
    }

    private static Dataset<Row> features(SparkSession spark, Path parquet, String dir, Instant from, Instant to,
                                         String feature, String found) {
        Dataset<Row> f = range(spark, parquet.resolve(dir), from, to);
        if (f == null) {
            throw new IllegalStateException(parquet.resolve(dir) + " does not exist while samples do: run make samples"
                    + " FROM=" + hour(from) + " TO=" + hour(to) + " again");
        }
        List<String> c = new ArrayList<>(Labels.KEY);
        c.add(feature);
        return f.select(cols(c)).withColumn(found, lit(true));
    }

    /** Left join, so a sample without its feature row stays, with a null {@link #FOUND} marker. */
    private static Dataset<Row> join(Dataset<Row> left, Dataset<Row> right, List<String> key) {
        Dataset<Row> r = right;
        Column on = lit(true);
        for (String k : key) {
            r = r.withColumnRenamed(k, "f_" + k);
            on = on.and(left.col(k).eqNullSafe(r.col("f_" + k)));
        }
        Dataset<Row> joined = left.join(r, on, "left");
        for (String k : key) {
            joined = joined.drop("f_" + k);
        }
        return joined;
    }

    /** The rows of an hourly output with event time in [from, to); null if the output does not exist. */
    private static Dataset<Row> range(SparkSession spark, Path dir, Instant from, Instant to) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        Column time = col(ClickEventContract.EVENT_TIME);
        return spark.read().parquet(dir.toUri().toString())
                // date=yyyy-MM-dd strings compare as dates: prunes the partitions outside the range
                .where(col(OutputColumns.DATE).geq(lit(from.toString().substring(0, 10)))
                        .and(col(OutputColumns.DATE).leq(lit(to.toString().substring(0, 10)))))
                .where(time.geq(lit(Timestamp.from(from))).and(time.lt(lit(Timestamp.from(to)))));
    }

    private static Column[] cols(List<String> names) {
        return names.stream().map(n -> col(n)).toArray(Column[]::new);
    }

    /** As make samples takes it: 2026-12-01T10. */
    static String hour(Instant t) {
        return t.toString().substring(0, 13);
    }
}
