package io.streamingclicks.job.support;

import io.streamingclicks.accounting.spark.CommittedOutput;
import io.streamingclicks.contract.DataRoot;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** Reads a sink's committed output: exactly the files its {@code _spark_metadata} log names, never a glob. */
public final class Committed {

    /** The sinks, each committed through its own {@code _spark_metadata} log. */
    public static final List<String> FILE_SINKS = Stream.of(DataRoot.Sink.values()).map(DataRoot.Sink::dir).toList();
    /** The job's queries, each with its checkpoint {@code chk/<query>}. */
    public static final List<String> QUERIES = Stream.of(DataRoot.Query.values()).map(DataRoot.Query::dir).toList();

    private Committed() {
    }

    /** Every file the output's log names, on disk or not (rebased onto {@code outputDir}). */
    public static List<Path> named(Path outputDir) {
        return CommittedOutput.read(outputDir).named();
    }

    /** The highest batch id the output's log has committed; -1 before its first. */
    public static long latestBatch(Path outputDir) {
        return CommittedOutput.read(outputDir).latestBatch();
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

    /** The aggregate output holds a committed row of the window starting at {@code windowStart}. */
    public static boolean hasWindow(SparkSession spark, Path outputDir, Instant windowStart) {
        return !rows(spark, outputDir, "select * from t where window_start = '" + Timestamp.from(windowStart) + "'")
                .isEmpty();
    }

    /** Parquet files present in the directory but named by no log entry: leftovers of a killed batch. */
    public static List<Path> orphans(Path outputDir) {
        if (!Files.isDirectory(outputDir)) {
            return List.of();
        }
        List<Path> committed = named(outputDir);
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
