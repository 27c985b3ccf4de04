package io.streamingclicks.trainer;

import io.streamingclicks.contract.ClickTruth;
import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.job.options.BatchCommand;
import io.streamingclicks.job.options.UsageException;
import io.streamingclicks.job.samples.FeatureSpec;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

/**
 * {@code make train}: fits a logistic regression (Spark MLlib) on the samples of one range and scores the samples of
 * the next, then prints, on those same test rows, the exact AUC ({@link ExactAuc}) of the model, of a popularity
 * baseline (the page's smoothed 24-hour CTR alone) and of the oracle (the generator's true probability,
 * {@link Oracle}). The model's inputs: {@link ModelFeatures}; docs/training.md.
 */
public final class TrainCommand {

    static final String LABEL = "label_d";
    static final String FEATURES = "features";
    static final String MODEL_SCORE = "model_margin";
    static final String ORACLE_SCORE = "oracle_p";

    /** One scored range's figures. */
    public record Counts(Instant from, Instant to, long rows, long positives) {
    }

    /** What a run found: the figures it prints. The oracle's AUC is null when truth.json says "independent". */
    public record Report(Counts train, Counts test, double intercept, List<Double> coefficients,
                         ExactAuc.Result model, ExactAuc.Result baseline, ExactAuc.Result oracle, ClickTruth truth) {
    }

    private TrainCommand() {
    }

    /** The command line: 0 done, 1 refused or failed (the reason on stderr), 2 a bad option. */
    public static int main(String[] args) {
        if (BatchCommand.asksHelp(args)) {
            System.out.println(TrainOptions.usage());
            return 0;
        }
        TrainOptions o;
        try {
            o = TrainOptions.parse(args, System.getenv());
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage() + "\n\n" + TrainOptions.usage());
            return 2;
        }
        System.out.println("train: fit on [" + o.trainFrom() + ", " + o.trainTo() + "), evaluate on [" + o.testFrom()
                + ", " + o.testTo() + ") (whole UTC hours), data root " + o.dataDir());
        SparkSession spark = null;
        try {
            Path root = Path.of(o.dataDir()).toAbsolutePath();
            ClickTruth truth = truth(root);
            spark = BatchCommand.session("streaming-clicks-train", o.master());
            print(run(spark, root, o, truth), System.out);
            return 0;
        } catch (IllegalStateException | IllegalArgumentException | UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
    }

    /** Fits, scores and measures; {@code truth} is the data root's truth.json. */
    public static Report run(SparkSession spark, Path root, TrainOptions o, ClickTruth truth) {
        Path parquet = root.resolve(DataRoot.PARQUET);
        VectorAssembler assemble = new VectorAssembler()
                .setInputCols(ModelFeatures.NAMES.toArray(String[]::new)).setOutputCol(FEATURES);
        Dataset<Row> trainRows = prepare(LabelledRows.read(spark, parquet, o.trainFrom(), o.trainTo()));
        Dataset<Row> testRows = null;
        try {
            testRows = prepare(LabelledRows.read(spark, parquet, o.testFrom(), o.testTo()));
            Dataset<Row> train = assemble.transform(trainRows);
            Dataset<Row> test = assemble.transform(testRows);
            LogisticRegressionModel model = new LogisticRegression()
                    .setLabelCol(LABEL).setFeaturesCol(FEATURES)
                    .setRegParam(o.regParam()).setElasticNetParam(0).setMaxIter(200).setTol(1e-9)
                    .fit(train);
            // The margin, not the probability: the same order, without the sigmoid's rounding into ties near 0 or 1.
            Dataset<Row> scored = model.transform(test)
                    .withColumn(MODEL_SCORE, vector_to_array(col("rawPrediction"), "float64").getItem(1));
            boolean propensity = truth.model() == ClickTruth.Model.PROPENSITY;
            if (propensity) {
                scored = scored.withColumn(ORACLE_SCORE, new Oracle(truth).probability());
            }
            scored = scored.persist(StorageLevel.MEMORY_AND_DISK());
            try {
                List<Double> coefficients = new ArrayList<>();
                for (double c : model.coefficients().toArray()) {
                    coefficients.add(c);
                }
                return new Report(counts(train, o.trainFrom(), o.trainTo()), counts(scored, o.testFrom(), o.testTo()),
                        model.intercept(), coefficients,
                        ExactAuc.of(scored, MODEL_SCORE, FeatureSpec.LABEL),
                        ExactAuc.of(scored, FeatureSpec.PAGE_CTR_24H, FeatureSpec.LABEL),
                        propensity ? ExactAuc.of(scored, ORACLE_SCORE, FeatureSpec.LABEL) : null, truth);
            } finally {
                scored.unpersist();
            }
        } finally {
            trainRows.unpersist();
            if (testRows != null) {
                testRows.unpersist();
            }
        }
    }

    /** The model's inputs and a double label, cached; refuses rows whose features are missing. */
    static Dataset<Row> prepare(Dataset<Row> rows) {
        Dataset<Row> withInputs = ModelFeatures.add(rows).withColumn(LABEL, col(FeatureSpec.LABEL).cast("double"))
                .persist(StorageLevel.MEMORY_AND_DISK());
        Column anyMissing = lit(false);
        for (String found : LabelledRows.FOUND) {
            anyMissing = anyMissing.or(col(found).isNull());
        }
        long missing = withInputs.where(anyMissing).count();
        if (missing > 0) {
            withInputs.unpersist();
            throw new IllegalStateException(missing + " samples lack a user, page or user_page feature row:"
                    + " parquet/features is not from the same make samples run as parquet/samples; run make samples"
                    + " over the range again");
        }
        return withInputs;
    }

    static Counts counts(Dataset<Row> rows, Instant from, Instant to) {
        Row r = rows.agg(count(lit(1)), sum(col(FeatureSpec.LABEL))).first();
        return new Counts(from, to, r.getLong(0), r.isNullAt(1) ? 0 : r.getLong(1));
    }

    static void print(Report r, PrintStream out) {
        for (Counts c : List.of(r.train(), r.test())) {
            out.printf(Locale.ROOT, "train: %-5s [%s, %s): %,d samples, %,d labelled 1 (%.4f)%n",
                    c == r.train() ? "train" : "test", c.from(), c.to(), c.rows(), c.positives(),
                    c.rows() == 0 ? 0.0 : (double) c.positives() / c.rows());
        }
        out.println("train: logistic regression (MLlib), coefficients on the features' own scale:");
        out.printf(Locale.ROOT, "  %-22s %9.4f%n", "intercept", r.intercept());
        for (int i = 0; i < ModelFeatures.NAMES.size(); i++) {
            out.printf(Locale.ROOT, "  %-22s %9.4f%n", ModelFeatures.NAMES.get(i), r.coefficients().get(i));
        }
        out.printf(Locale.ROOT, "train: exact AUC on the same %,d test rows (%,d positives, %,d negatives):%n",
                r.model().positives() + r.model().negatives(), r.model().positives(), r.model().negatives());
        out.println("  | score | AUC |");
        out.println("  | --- | --- |");
        out.printf(Locale.ROOT, "  | model: logistic regression on %s | %.4f |%n", String.join(", ",
                ModelFeatures.NAMES), r.model().auc());
        out.printf(Locale.ROOT, "  | baseline: %s alone | %.4f |%n", FeatureSpec.PAGE_CTR_24H, r.baseline().auc());
        if (r.oracle() != null) {
            out.printf(Locale.ROOT, "  | oracle: true p from truth.json and the counted views | %.4f |%n",
                    r.oracle().auc());
            out.printf(Locale.ROOT, "train: model - oracle %+.4f, model - baseline %+.4f%n",
                    r.model().auc() - r.oracle().auc(), r.model().auc() - r.baseline().auc());
        } else {
            out.println("  | oracle: none, truth.json says model=independent (nothing predicts a click) | - |");
        }
    }

    static ClickTruth truth(Path root) {
        Path file = Path.of(DataRoot.of(root.toString()).truth());
        try {
            return ClickTruth.fromJson(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new IllegalStateException(file + " does not exist: the producer writes it at its first start on"
                    + " this data root, and the oracle's AUC needs it");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

}
