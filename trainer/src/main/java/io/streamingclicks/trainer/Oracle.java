package io.streamingclicks.trainer;

import io.streamingclicks.contract.ClickEventContract;
import io.streamingclicks.contract.ClickTruth;
import io.streamingclicks.job.samples.FeatureSpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

import java.io.Serializable;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

/**
 * The true click probability of a sample, as the generator drew it: {@link ClickTruth#clickProbability} with the
 * parameters of {@code ledger/truth.json}, {@code a_u} and {@code b_p} from the ids, and r from the counted events:
 * u's latest counted view of p strictly before t, which {@code user_page_seconds_since_last_view} gives to the
 * microsecond (a difference of microsecond times over 1e6, so rounding it back times 1e6 is exact), tested with
 * {@link ClickTruth#isRevisit} on milliseconds as the generator does. Event times are whole milliseconds (the
 * contract's format), so "strictly before t" is the same in both units, and the latest view is in the window iff
 * any is. The generator's own r comes from its memory of what it sent; the two differ only where ClickTruth's
 * comment says (a restart, a late view sent after a later one), and where the aggregation dropped a view as late.
 */
public final class Oracle implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String truthJson;
    private transient ClickTruth truth;

    public Oracle(ClickTruth truth) {
        this.truthJson = truth.toJson();
        this.truth = truth;
    }

    /** The probability column over {@link LabelledRows} rows. */
    public Column probability() {
        UDF4<String, String, Long, Double, Double> f = this::probability;
        UserDefinedFunction u = udf(f, DataTypes.DoubleType);
        return u.apply(col(ClickEventContract.USER_ID), col(ClickEventContract.PAGE_ID), col(LabelledRows.TS),
                col(FeatureSpec.UP_SECONDS_SINCE_VIEW));
    }

    /** For a view by {@code user} of {@code page} at {@code tMicros}; {@code secondsSince} null: none in 24 h. */
    public Double probability(String user, String page, Long tMicros, Double secondsSince) {
        return truth().clickProbability(user, page, revisit(tMicros, secondsSince));
    }

    boolean revisit(long tMicros, Double secondsSince) {
        if (secondsSince == null) {
            // no view in the 24 h before t; the revisit window is at most 24 h (ClickTruth.MAX_REVISIT_WINDOW)
            return false;
        }
        long viewMicros = tMicros - Math.round(secondsSince * 1e6);
        return truth().isRevisit(Math.floorDiv(viewMicros, 1000), Math.floorDiv(tMicros, 1000));
    }

    private ClickTruth truth() {
        if (truth == null) {
            truth = ClickTruth.fromJson(truthJson);
        }
        return truth;
    }
}
