package io.streamingclicks.job.support;

import io.streamingclicks.accounting.spark.CommittedOutput;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Reads a sink's committed output: exactly the files its {@code _spark_metadata} log names, never a glob. */
public final class Committed {

    private Committed() {
    }

    /** The committed rows, with the date/hour partition columns; empty (null) while nothing is committed. */
    public static Dataset<Row> read(SparkSession spark, Path outputDir) {
        List<String> files = CommittedOutput.read(outputDir).uris();
        if (files.isEmpty()) {
            return null;
        }
        return spark.read().option("basePath", outputDir.toUri().toString())
                .parquet(files.toArray(String[]::new));
    }

    public static List<Row> rows(SparkSession spark, Path outputDir, String sql) {
        Dataset<Row> df = read(spark, outputDir);
        if (df == null) {
            return List.of();
        }
        df.createOrReplaceTempView("t");
        return spark.sql(sql).collectAsList();
    }

    /** Parquet files present in the directory but named by no log entry: leftovers of a killed batch. */
    public static List<Path> orphans(Path outputDir) {
        if (!Files.isDirectory(outputDir)) {
            return List.of();
        }
        List<Path> committed = CommittedOutput.read(outputDir).named();
        try (Stream<Path> s = Files.walk(outputDir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .filter(p -> !p.toString().contains("_spark_metadata"))
                    .filter(p -> committed.stream().noneMatch(c -> c.endsWith(p.getFileName())))
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
