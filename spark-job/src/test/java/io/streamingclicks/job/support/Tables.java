package io.streamingclicks.job.support;

import io.streamingclicks.contract.Warehouse;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.List;
import java.util.Map;

/** Reads the job's Iceberg tables through the catalog a {@link JobRun} of the iceberg format registered. */
public final class Tables {

    private Tables() {
    }

    /** {@code clicks.clicks.<sink>}. */
    public static String name(String sink) {
        return Warehouse.CATALOG + "." + Warehouse.NAMESPACE + "." + sink;
    }

    /** {@code sql} over the table's current snapshot, as the view {@code t}. */
    public static List<Row> rows(SparkSession spark, String sink, String sql) {
        // The catalog is resolved through the active session's conf: the run's session holds it.
        SparkSession.setActiveSession(spark);
        spark.table(name(sink)).createOrReplaceTempView("t");
        return spark.sql(sql).collectAsList();
    }

    /** The table's snapshots, oldest first: (snapshot id, operation, summary). */
    public static List<Row> snapshots(SparkSession spark, String sink) {
        SparkSession.setActiveSession(spark);
        return spark.sql("select snapshot_id, operation, summary from " + name(sink)
                + ".snapshots order by committed_at").collectAsList();
    }

    /** The summary of the table's newest snapshot. */
    public static Map<String, String> lastSummary(SparkSession spark, String sink) {
        List<Row> s = snapshots(spark, sink);
        return s.isEmpty() ? Map.of() : s.get(s.size() - 1).getJavaMap(2);
    }
}
