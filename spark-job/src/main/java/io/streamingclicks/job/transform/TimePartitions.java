package io.streamingclicks.job.transform;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static io.streamingclicks.contract.OutputColumns.DATE;
import static io.streamingclicks.contract.OutputColumns.HOUR;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.hour;

/** Adds the partition columns {@code date} (yyyy-MM-dd) and {@code hour} (0..23) of a timestamp column, in UTC. */
public final class TimePartitions {

    private TimePartitions() {
    }

    /** The session time zone is UTC (SparkSessions), so these are UTC dates and hours. */
    public static Dataset<Row> by(Dataset<Row> rows, String timestampColumn) {
        return rows.withColumn(DATE, date_format(col(timestampColumn), "yyyy-MM-dd"))
                .withColumn(HOUR, hour(col(timestampColumn)));
    }
}
