package io.streamingclicks.trainer;

import io.streamingclicks.contract.ClickTruth;
import io.streamingclicks.job.samples.FeatureSpec;
import io.streamingclicks.job.samples.Finality;
import io.streamingclicks.job.samples.SampleOptions;
import io.streamingclicks.job.samples.SamplesCommand;
import io.streamingclicks.job.support.SampleRoot;
import io.streamingclicks.job.support.TestSpark;
import io.streamingclicks.job.support.TruthTraffic;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * make train on real samples: three hours of the generator's click model (TruthTraffic: 200 users, 50 pages, 4
 * events/s of event time) committed into a data root as the job leaves it, samples and features derived by the
 * samples command itself, the model fitted on the second hour and evaluated on the third.
 */
class TrainSignalTest {

    static final Instant START = Instant.parse("2026-11-30T10:00:00Z");
    static final Instant TRAIN_FROM = START.plus(Duration.ofHours(1));
    static final Instant TEST_FROM = START.plus(Duration.ofHours(2));
    static final Instant END = START.plus(Duration.ofHours(3));
    static final Duration H = FeatureSpec.DEFAULT_HORIZON;
    static final ClickTruth TRUTH = new ClickTruth(ClickTruth.Model.PROPENSITY, 1, 1.0, 1.0, 1.0, -0.9,
            Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(30));

    @TempDir
    static Path dir;

    @BeforeAll
    static void derive() {
        SparkSession spark = TestSpark.get();
        new TruthTraffic(TRUTH, 200, 50, 1.1, 4, 11).write(new SampleRoot(spark, dir, Duration.ofMinutes(5)), START,
                END, Duration.ofMinutes(30), END.plus(Duration.ofHours(1)));
        Finality f = Finality.read(dir.resolve("chk/windows"));
        f.require(TRAIN_FROM, END, H);
        SamplesCommand.run(spark, dir, new SampleOptions(TRAIN_FROM, END, H, dir.toString(), "local[2]"), f);
    }

    static TrainOptions options(Instant trainFrom, Instant trainTo, Instant testTo) {
        return TrainOptions.parse(new String[] {"--train-from", trainFrom.toString(), "--train-to",
                trainTo.toString(), "--test-to", testTo.toString(), "--data-dir", dir.toString()}, Map.of());
    }

    @Test
    void theModelBeatsPageCtrAndTheOracleIsBestWithinNoise() {
        TrainCommand.Report r = TrainCommand.run(TestSpark.get(), dir, options(TRAIN_FROM, TEST_FROM, END),
                TrainCommand.truth(dir));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TrainCommand.print(r, new PrintStream(out, true, StandardCharsets.UTF_8));
        System.out.println(out.toString(StandardCharsets.UTF_8));

        assertThat(r.train().rows()).isGreaterThan(10_000);
        assertThat(r.test().rows()).isEqualTo(r.model().positives() + r.model().negatives());
        assertThat(r.model().auc()).isGreaterThan(r.baseline().auc() + 0.02);
        // The oracle knows a_u, b_p and r exactly; the model estimates them from one or two hours of history.
        assertThat(r.oracle().auc()).isGreaterThan(r.model().auc() - 0.01).isGreaterThan(r.baseline().auc());
        assertThat(r.oracle().positives()).isEqualTo(r.model().positives());
        // The fit finds the click model's signs: more clicks from clicky users, clicky pages and revisits.
        assertThat(r.coefficients()).hasSize(ModelFeatures.NAMES.size()).allSatisfy(c -> assertThat(c).isPositive());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("| model: logistic regression", "| baseline: ",
                "| oracle: ");
    }

    @Test
    void theExactAucIsMllibsUnbinnedAuc() {
        SparkSession spark = TestSpark.get();
        Dataset<Row> rows = TrainCommand.prepare(LabelledRows.read(spark, dir.resolve("parquet"), TEST_FROM, END));
        Dataset<Row> scored = rows.withColumn("oracle", new Oracle(TRUTH).probability());
        for (String score : List.of("oracle", FeatureSpec.PAGE_CTR_24H, FeatureSpec.USER_CTR_24H)) {
            double mine = ExactAuc.of(scored, score, FeatureSpec.LABEL).auc();
            List<Tuple2<Object, Object>> pairs = scored.select(col(score).cast("double"),
                    col(FeatureSpec.LABEL).cast("double")).collectAsList().stream()
                    .map(x -> new Tuple2<Object, Object>(x.getDouble(0), x.getDouble(1))).toList();
            // numBins 0: every distinct score a threshold (its default for the RDD API; the DataFrame evaluator bins)
            BinaryClassificationMetrics exact = new BinaryClassificationMetrics(
                    JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(pairs, 2).rdd(), 0);
            assertThat(mine).as(score).isCloseTo(exact.areaUnderROC(), within(1e-9));
        }
        rows.unpersist();
    }

    @Test
    void aRangeWithoutSamplesIsRefusedNamingWhatToRun() {
        assertThatThrownBy(() -> TrainCommand.run(TestSpark.get(), dir, new TrainOptions(TRAIN_FROM, TEST_FROM, END,
                END.plus(Duration.ofHours(1)), dir.toString(), "local[2]", 0), TRUTH))
                .hasMessageContaining("no samples in [2026-11-30T13:00:00Z, 2026-11-30T14:00:00Z)")
                .hasMessageContaining("run make samples FROM=2026-11-30T13 TO=2026-11-30T14 first");
    }

    @Test
    void samplesWithoutTheirFeatureRowsAreRefused() throws Exception {
        // A null user_page_seconds_since_last_view is a value (no view in 24 h): only a marker tells a missing row.
        Path hour = dir.resolve("parquet/features/user_page/date=2026-11-30/hour=12");
        Path aside = dir.resolve("parquet/features/.user_page-hour-12-aside");
        Files.move(hour, aside);
        try {
            assertThatThrownBy(() -> TrainCommand.run(TestSpark.get(), dir, options(TRAIN_FROM, TEST_FROM, END), TRUTH))
                    .hasMessageContaining("samples lack a user, page or user_page feature row")
                    .hasMessageContaining("run make samples over the range again");
        } finally {
            Files.move(aside, hour);
        }
    }
}
