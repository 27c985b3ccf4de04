package io.streamingclicks.job.maintenance;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.contract.Warehouse;
import io.streamingclicks.job.SparkSessions;
import io.streamingclicks.job.options.JobOptions;
import io.streamingclicks.job.sink.IcebergTables;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar spark-job.jar compact [--option value]...} ({@code make compact}): the tables' maintenance once, in
 * a Spark application of its own, next to a running job or without one. It reads the job's options (the data root,
 * the checkpoint root where the windows query's offsets are, the retention) and prints a line per table.
 */
public final class CompactCommand {

    private CompactCommand() {
    }

    /** @return the process's exit status: 0 when every table was maintained */
    public static int run(String[] args, Map<String, String> env) {
        List<String> all = new ArrayList<>(List.of("--format", "iceberg"));
        all.addAll(List.of(args));
        JobOptions options = JobOptions.parse(all.toArray(String[]::new), env);
        DataRoot root = options.dataRoot();
        Path catalog = IcebergTables.localPath(Warehouse.catalogFile(root));
        if (!Files.isRegularFile(catalog)) {
            System.err.println("error: no Iceberg catalog at " + catalog + ": nothing to compact. DATA_DIR (--data-dir)"
                    + " must be the data root a job with OUTPUT_FORMAT=iceberg (--format iceberg) wrote.");
            return 1;
        }
        SparkSession spark = SparkSessions.create(options);
        try {
            IcebergTables tables = IcebergTables.open(spark, root);
            TableMaintenance maintenance = new TableMaintenance(spark, tables, root,
                    options.checkpoint(DataRoot.Query.WINDOWS), options.snapshotRetention());
            for (TableMaintenance.Report r : maintenance.run()) {
                System.out.println(r.describe());
            }
            return 0;
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            e.printStackTrace(System.err);
            return 1;
        } finally {
            spark.stop();
        }
    }
}
