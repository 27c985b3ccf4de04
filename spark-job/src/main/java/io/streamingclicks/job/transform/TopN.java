package io.streamingclicks.job.transform;

import io.streamingclicks.contract.ClickEventContract;
import io.streamingclicks.contract.OutputColumns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

/**
 * Reads sealed pv rows ({@code window_start, window_end, page_id, pv}) and writes the Top-N pages of each window
 * ({@code window_start, window_end, rank, page_id, pv}): rank 1 = most views, ties broken by page_id ascending, so
 * the ranking is a function of pv alone. Pure.
 */
public final class TopN {

    private TopN() {
    }

    public static Dataset<Row> rank(Dataset<Row> pv, int n) {
        return pv.withColumn(OutputColumns.RANK, row_number().over(Window.partitionBy(OutputColumns.WINDOW_START)
                        .orderBy(col(OutputColumns.PV).desc(), col(ClickEventContract.PAGE_ID).asc())))
                .where(col(OutputColumns.RANK).leq(n))
                .select(col(OutputColumns.WINDOW_START), col(OutputColumns.WINDOW_END), col(OutputColumns.RANK),
                        col(ClickEventContract.PAGE_ID), col(OutputColumns.PV));
    }
}
