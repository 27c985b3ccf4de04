package io.streamingclicks.job.samples;

import io.streamingclicks.accounting.links.Link3;
import io.streamingclicks.accounting.spark.FileSourceLog;
import io.streamingclicks.contract.ClickEventContract;
import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.contract.OutputColumns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring_index;

/**
 * The committed events of an event-time span, each marked {@code counted} iff the pv aggregation counted it: link 3
 * of the accounting ({@link Link3#countedFromFile}), decided per (events file, window) on the driver from
 * {@code chk/windows} and its file-source log, then joined to the rows. Read at the events directory's root, so
 * Spark lists it through {@code _spark_metadata}: an orphan file of a killed batch is never read.
 */
public final class CountedEvents {

    /** Event time in microseconds since the epoch: what every ordering and window bound below compares. */
    public static final String TS = "ts";
    public static final String COUNTED = "counted";
    private static final String FILE = "events_file";
    private static final String WINDOW_START_MS = "window_start_ms";

    /** The rows, and how many windows had their late boundary past the checkpoint's retention. */
    public record Result(Dataset<Row> events, int windows, int windowsPastRetention) {
    }

    private CountedEvents() {
    }

    /** Events with event time in {@code [from, to]}, with {@link #TS} and {@link #COUNTED}. */
    public static Result read(SparkSession spark, Path dataRoot, Finality finality, Instant from, Instant to) {
        Path eventsDir = dataRoot.resolve(DataRoot.PARQUET).resolve(DataRoot.Sink.EVENTS.dir());
        if (!Files.isDirectory(eventsDir.resolve("_spark_metadata"))) {
            throw new IllegalStateException(eventsDir + " has no _spark_metadata: the ingest query has committed no"
                    + " events on this data root.");
        }
        long windowMs = finality.window().toMillis();
        Dataset<Row> raw = spark.read().parquet(eventsDir.toUri().toString());
        Dataset<Row> rows = raw
                // date=yyyy-MM-dd strings compare as dates: prunes the partitions outside the span
                .where(col(OutputColumns.DATE).geq(lit(from.toString().substring(0, 10)))
                        .and(col(OutputColumns.DATE).leq(lit(to.toString().substring(0, 10)))))
                .withColumn(TS, expr("unix_micros(" + ClickEventContract.EVENT_TIME + ")"))
                .where(col(TS).geq(lit(micros(from))).and(col(TS).leq(lit(micros(to)))))
                .withColumn(FILE, substring_index(input_file_name(), "/", -1))
                .withColumn(WINDOW_START_MS, expr("floor(" + TS + " / 1000 / " + windowMs + ") * " + windowMs));
        if (!List.of(raw.columns()).contains(OutputColumns.SOURCE_FILE)) {
            rows = rows.withColumn(OutputColumns.SOURCE_FILE, lit(null).cast(DataTypes.StringType));
        }
        // A few (file, window) pairs per ingest batch: small enough to decide on the driver with the accounting's
        // own definition, instead of re-implementing link 3 in SQL.
        List<Row> pairs = rows.select(FILE, WINDOW_START_MS).distinct().collectAsList();
        Map<String, Long> sourceLog = FileSourceLog.read(dataRoot.resolve(DataRoot.CHECKPOINTS)
                .resolve(DataRoot.Query.WINDOWS.dir()));
        List<Row> decided = new ArrayList<>();
        java.util.Set<Long> windows = new java.util.HashSet<>();
        java.util.Set<Long> pastRetention = new java.util.HashSet<>();
        for (Row r : pairs) {
            String file = r.getString(0);
            long ws = r.getLong(1);
            Instant end = Instant.ofEpochMilli(ws + windowMs);
            Long logBatch = sourceLog.get(FileSourceLog.fileName(file));
            boolean counted = logBatch != null && Link3.countedFromFile(finality.log(), end, logBatch);
            decided.add(RowFactory.create(file, ws, counted));
            windows.add(ws);
            if (!finality.boundaryRetained(end)) {
                pastRetention.add(ws);
            }
        }
        StructType schema = new StructType()
                .add(FILE, DataTypes.StringType, false)
                .add(WINDOW_START_MS, DataTypes.LongType, false)
                .add(COUNTED, DataTypes.BooleanType, false);
        Dataset<Row> verdicts = spark.createDataFrame(decided, schema);
        Dataset<Row> out = rows.join(broadcast(verdicts), scala.collection.JavaConverters
                        .asScalaBuffer(List.of(FILE, WINDOW_START_MS)).toSeq())
                .select(col(ClickEventContract.EVENT_ID), col(ClickEventContract.USER_ID),
                        col(ClickEventContract.PAGE_ID), col(ClickEventContract.EVENT_TIME),
                        col(ClickEventContract.ACTION), col(ClickEventContract.DURATION_MS),
                        col(OutputColumns.KAFKA_PARTITION), col(OutputColumns.KAFKA_OFFSET),
                        col(OutputColumns.SOURCE_FILE), col(TS), col(COUNTED));
        return new Result(out, windows.size(), pastRetention.size());
    }

    public static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }
}
