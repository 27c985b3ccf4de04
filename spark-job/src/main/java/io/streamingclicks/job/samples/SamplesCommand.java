package io.streamingclicks.job.samples;

import io.streamingclicks.contract.ClickEventContract;
import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.job.options.BatchCommand;
import io.streamingclicks.job.options.UsageException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;

import static io.streamingclicks.contract.ClickEventContract.ACTION;
import static io.streamingclicks.job.samples.CountedEvents.COUNTED;
import static io.streamingclicks.job.samples.CountedEvents.TS;
import static io.streamingclicks.job.samples.CountedEvents.micros;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * {@code spark-job.jar samples --from .. --to ..}: a Spark batch run that derives labelled samples and their
 * point-in-time features from the committed events of a final range (docs/features.md) and writes
 * {@code parquet/samples} and {@code parquet/features/{user,page,user_page}}, each hour replaced whole.
 */
public final class SamplesCommand {

    /** What a run did: the figures it prints. */
    public record Report(Instant from, Instant to, Instant sealed, long samples, long positives, long lateClicks,
                         long samplesWithLateClick, long negativesWithLateClick, int windows,
                         int windowsPastRetention) {
    }

    private SamplesCommand() {
    }

    /** The command line: 0 done, 1 refused or failed (the reason on stderr), 2 a bad option. */
    public static int main(String[] args) {
        if (BatchCommand.asksHelp(args)) {
            System.out.println(SampleOptions.usage());
            return 0;
        }
        SampleOptions o;
        try {
            o = SampleOptions.parse(args, System.getenv());
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage() + "\n\n" + SampleOptions.usage());
            return 2;
        }
        System.out.println("samples: range widened to whole UTC hours: [" + o.from() + ", " + o.to() + "), horizon "
                + o.horizon() + ", data root " + o.dataDir());
        SparkSession spark = null;
        try {
            Path root = localRoot(o.dataDir());
            Finality finality = Finality.read(root.resolve(DataRoot.CHECKPOINTS).resolve(DataRoot.Query.WINDOWS.dir()));
            finality.require(o.from(), o.to(), o.horizon());
            spark = BatchCommand.session("streaming-clicks-samples", o.master());
            print(run(spark, root, o, finality), System.out);
            return 0;
        } catch (IllegalStateException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
    }

    /** Derives and writes the range; {@link Finality#require} must have passed. */
    public static Report run(SparkSession spark, Path root, SampleOptions o, Finality finality) {
        return run(spark, root, o, finality, Features.SAMPLE_FIRST);
    }

    /** With the features' tie order of a sample and an event at the same time ({@link Features#of}): for tests. */
    static Report run(SparkSession spark, Path root, SampleOptions o, Finality finality, int sampleKind) {
        Instant readFrom = o.from().minus(FeatureSpec.HISTORY);
        Instant readTo = o.to().plus(o.horizon());
        CountedEvents.Result read = CountedEvents.read(spark, root, finality, readFrom, readTo);
        Dataset<Row> events = read.events().persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Dataset<Row> samples = Labels.label(events, o.from(), o.to(), o.horizon())
                    .persist(StorageLevel.MEMORY_AND_DISK());
            Features features = Features.of(events, Labels.views(events, o.from(), o.to()), o.from(), o.to(),
                    sampleKind);
            HourlyOutput out = new HourlyOutput(root.resolve(DataRoot.PARQUET).toUri().toString(),
                    spark.sessionState().newHadoopConf());
            String time = ClickEventContract.EVENT_TIME;
            out.replace(FeatureSpec.SAMPLES_DIR, finality(samples, o, finality).drop(TS), time, o.hours());
            out.replace(FeatureSpec.USER_DIR, features.user(), time, o.hours());
            out.replace(FeatureSpec.PAGE_DIR, features.page(), time, o.hours());
            out.replace(FeatureSpec.USER_PAGE_DIR, features.userPage(), time, o.hours());
            Row s = samples.agg(org.apache.spark.sql.functions.count(lit(1)), sum(col(FeatureSpec.LABEL)),
                    sum(when(col(Labels.LATE_CLICK), 1).otherwise(0)),
                    sum(when(col(Labels.LATE_CLICK).and(col(FeatureSpec.LABEL).equalTo(0)), 1).otherwise(0)))
                    .first();
            long lateClicks = events.where(col(ACTION).equalTo(FeatureSpec.CLICK).and(not(col(COUNTED)))
                    .and(col(TS).gt(lit(micros(o.from())))).and(col(TS).leq(lit(micros(readTo))))).count();
            samples.unpersist();
            return new Report(o.from(), o.to(), finality.sealed(), s.getLong(0), s.isNullAt(1) ? 0 : s.getLong(1),
                    lateClicks, s.isNullAt(2) ? 0 : s.getLong(2), s.isNullAt(3) ? 0 : s.getLong(3), read.windows(),
                    read.windowsPastRetention());
        } finally {
            events.unpersist();
        }
    }

    /**
     * What made each sample final, for the validator's premature-label check: the end of its label interval and the
     * sealed watermark the run derived it under (the latter must have sealed the window holding the former).
     */
    private static Dataset<Row> finality(Dataset<Row> samples, SampleOptions o, Finality finality) {
        long h = o.horizon().toNanos() / 1_000;
        return samples.withColumn(FeatureSpec.LABEL_UNTIL, expr("timestamp_micros(" + TS + " + " + h + ")"))
                .withColumn(FeatureSpec.SEALED_AT, lit(java.sql.Timestamp.from(finality.sealed())));
    }

    static void print(Report r, PrintStream out) {
        out.println("samples: sealed up to " + r.sealed() + " (chk/windows); [" + r.from() + ", " + r.to() + ") is final");
        out.println("samples: " + r.samples() + " samples, " + r.positives() + " labelled 1 -> parquet/"
                + FeatureSpec.SAMPLES_DIR + ", parquet/" + FeatureSpec.USER_DIR + ", parquet/" + FeatureSpec.PAGE_DIR
                + ", parquet/" + FeatureSpec.USER_PAGE_DIR + " (each hour of the range replaced)");
        out.println("samples: late clicks (named late by link 3, never used): " + r.lateClicks() + " in the span; "
                + r.samplesWithLateClick() + " samples had one inside their label interval, "
                + r.negativesWithLateClick() + " of them kept label 0");
        if (r.windowsPastRetention() > 0) {
            out.println("samples: warning: " + r.windowsPastRetention() + " of " + r.windows() + " windows read have"
                    + " their late boundary batch before the oldest batch chk/windows still knows (Spark keeps the"
                    + " last 100 batches, and this data root was written before the job kept chk/windows/history):"
                    + " for them link 3 uses the oldest known batch, so an event the aggregation dropped as late"
                    + " may be taken as counted (docs/accounting.md, Limits)");
        }
    }

    /** The accounting reads the checkpoint with java.nio: a local data root (a path or a file: URI). */
    static Path localRoot(String dataDir) {
        if (dataDir.startsWith("file:")) {
            return Path.of(URI.create(dataDir)).toAbsolutePath();
        }
        if (dataDir.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new IllegalArgumentException("samples reads chk/windows with the accounting module, which reads"
                    + " local paths only; " + dataDir + " is not one. Run it where the data root is mounted.");
        }
        return Path.of(dataDir).toAbsolutePath();
    }

}
