package io.streamingclicks.job.sink;

import io.streamingclicks.contract.DataRoot;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.execution.streaming.FileStreamSink;
import scala.collection.JavaConverters;

import java.util.Map;

/**
 * One Parquet output written from inside a {@code foreachBatch}, with the commit protocol of Spark's own file sink:
 * {@link FileStreamSink#addBatch} writes the batch's files and then {@code _spark_metadata/<batchId>}, and skips a
 * batch id the log already holds. So when Spark redoes a batch after a crash (the checkpoint's commit was not
 * written), an output that committed it keeps its files and is not written twice, and every reader that goes through
 * {@code _spark_metadata} (Spark's batch and streaming readers, the validator) sees each batch once.
 * <p>
 * {@code FileStreamSink} is internal API, pinned here to Spark 3.5.x: its constructor and {@code addBatch(long,
 * Dataset)} are what {@code writeStream().format("parquet")} itself builds. Tests hold its skip and its log
 * (OutputCrashIT, CrashRecoveryIT).
 */
public final class CommittedSink implements BatchSink {

    /** {@link BatchSink#HALT_AFTER_COMMIT}, kept here for the tests that name it. */
    public static final String HALT_AFTER_COMMIT = BatchSink.HALT_AFTER_COMMIT;
    public static final int HALT_STATUS = BatchSink.HALT_STATUS;

    private final String name;
    private final FileStreamSink sink;

    private CommittedSink(String name, FileStreamSink sink) {
        this.name = name;
        this.sink = sink;
    }

    /** The sink {@code name} writing to {@code path}, partitioned by {@link DataRoot#PARTITION_COLUMNS}. */
    public static CommittedSink parquet(SparkSession spark, String name, String path) {
        return parquet(spark, name, path, Map.of());
    }

    /**
     * As {@link #parquet(SparkSession, String, String)}, with writer options (Spark's and Parquet's, e.g.
     * {@code parquet.enable.dictionary#<column>}: the file sink hands them to the Hadoop configuration of the write).
     */
    public static CommittedSink parquet(SparkSession spark, String name, String path, Map<String, String> options) {
        FileStreamSink sink = new FileStreamSink(spark, path, new ParquetFileFormat(),
                JavaConverters.asScalaBuffer(DataRoot.PARTITION_COLUMNS).toSeq(),
                scala.collection.immutable.Map$.MODULE$.<String, String>empty()
                        .$plus$plus(JavaConverters.mapAsScalaMap(options)));
        return new CommittedSink(name, sink);
    }

    @Override
    public void write(long batchId, Dataset<Row> rows) {
        sink.addBatch(batchId, rows);
        if (name.equals(System.getProperty(HALT_AFTER_COMMIT))) {
            BatchSink.haltIfAsked(name, batchId, !rows.isEmpty());
        }
    }

    @Override
    public String name() {
        return name;
    }
}
