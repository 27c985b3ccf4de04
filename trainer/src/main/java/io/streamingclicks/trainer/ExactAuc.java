package io.streamingclicks.trainer;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.Iterator;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

/**
 * The area under the ROC curve, exact: the Mann-Whitney statistic with average ranks for ties, i.e. the probability
 * that a random positive scores above a random negative, a tie counting one half. No binning (MLlib's
 * {@code BinaryClassificationEvaluator} bins to 1000 thresholds by default, which moves the third decimal). Computed
 * from one pass over the distinct scores in ascending order with their positives and negatives: each positive at a
 * score s gains the negatives below s and half the negatives at s. Integer arithmetic up to the final division.
 */
public final class ExactAuc {

    /** How many positives and negatives share one distinct score. */
    public record Tally(long positives, long negatives) {
    }

    /** The AUC and the counts it rests on. */
    public record Result(double auc, long positives, long negatives) {
    }

    private ExactAuc() {
    }

    /** From the tallies of the distinct scores, lowest score first. */
    public static Result of(Iterator<Tally> ascending) {
        long pos = 0;
        long neg = 0;
        // twice the Mann-Whitney U: 2 * (pairs ordered right) + (tied pairs)
        long twiceU = 0;
        while (ascending.hasNext()) {
            Tally t = ascending.next();
            twiceU = Math.addExact(twiceU, Math.multiplyExact(t.positives(),
                    Math.addExact(Math.multiplyExact(2, neg), t.negatives())));
            pos += t.positives();
            neg += t.negatives();
        }
        if (pos == 0 || neg == 0) {
            throw new IllegalStateException("the AUC needs positives and negatives; these rows have " + pos
                    + " positives and " + neg + " negatives");
        }
        return new Result(twiceU / (2.0 * pos * neg), pos, neg);
    }

    /** From scores and 0/1 labels in memory (tests, small sets). */
    public static Result of(double[] scores, int[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " scores but " + labels.length + " labels");
        }
        TreeMap<Double, long[]> byScore = new TreeMap<>();
        for (int i = 0; i < scores.length; i++) {
            long[] pn = byScore.computeIfAbsent(check(scores[i]), s -> new long[2]);
            pn[labels[i] == 1 ? 0 : 1]++;
        }
        return of(byScore.values().stream().map(pn -> new Tally(pn[0], pn[1])).iterator());
    }

    /**
     * Over rows of a Spark dataset: {@code score} a double column, {@code label} 0/1. The distinct scores are tallied
     * by Spark and streamed to the driver in order, one partition at a time.
     */
    public static Result of(Dataset<Row> rows, String score, String label) {
        long bad = rows.where(col(score).isNull().or(col(score).isNaN())).count();
        if (bad > 0) {
            throw new IllegalStateException(bad + " rows have no " + score + " (null or NaN): every row must be"
                    + " scored");
        }
        Dataset<Row> tallies = rows.groupBy(col(score).cast("double").as("s"))
                .agg(sum(col(label).cast("long")).as("p"), count(lit(1)).as("n"))
                .orderBy(col("s"));
        Iterator<Row> it = tallies.toLocalIterator();
        return of(new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Tally next() {
                Row r = it.next();
                long p = r.getLong(1);
                return new Tally(p, r.getLong(2) - p);
            }
        });
    }

    private static double check(double s) {
        if (Double.isNaN(s)) {
            throw new IllegalArgumentException("a score is NaN");
        }
        // -0.0 and 0.0 are one score
        return s == 0 ? 0.0 : s;
    }
}
