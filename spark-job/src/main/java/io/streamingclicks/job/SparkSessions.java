package io.streamingclicks.job;

import io.streamingclicks.job.options.JobOptions;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the job's Spark session: UTC session time zone (an event time without zone means UTC), one shuffle
 * partition, the driver and UI bound to 127.0.0.1; whatever spark-submit or {@code -Dspark.*} sets wins, except the
 * time zone, which is part of the contract.
 */
public final class SparkSessions {

    private SparkSessions() {
    }

    public static SparkSession create(JobOptions options) {
        SparkConf conf = new SparkConf()
                .setAppName("streaming-clicks")
                .setIfMissing("spark.master", options.master().isBlank() ? "local[2]" : options.master())
                // Measured with make bench-spark (spark-job/README.md, "Cheap knobs"), each a few per cent less CPU
                // per event and a shorter windows batch. One shuffle partition: the windows query's state and
                // aggregates are small (a row per window and page), and each partition is a state store with its
                // own files and task every batch. Only for a new checkpoint: one keeps the number it started with.
                .setIfMissing("spark.sql.shuffle.partitions", "1")
                // Each output is partitioned by date/hour; up to 4 open files per task instead of sorting every
                // batch by its partition columns first (more than 4 in one task falls back to the sort).
                .setIfMissing("spark.sql.maxConcurrentOutputFileWriters", "4")
                // The windows query's per-(window, page) sketch aggregate sorts its input once a task holds more
                // than 128 keys (100 pages in 2 windows is more); 4096 keys bound the hash map at 4096 sketches of
                // at most 2^lgK bytes each (64 MiB at lgK 14) before the same fallback.
                .setIfMissing("spark.sql.objectHashAggregate.sortBased.fallbackThreshold", "4096")
                .setIfMissing("spark.ui.enabled", "false")
                // Each query caches its batch once for its several outputs; compressing that cache (dictionary
                // statistics over every string, high-cardinality ids included) was the ingest query's largest CPU
                // cost in a profile of make bench-spark, and a batch is read back once per output, not kept.
                .setIfMissing("spark.sql.inMemoryColumnarStorage.compressed", "false")
                .setIfMissing("spark.driver.host", "127.0.0.1")
                .setIfMissing("spark.driver.bindAddress", "127.0.0.1")
                .setIfMissing("spark.ui.host", "127.0.0.1")
                // Spark's own shutdown hook would stop the context under a running batch; the job stops itself.
                .setIfMissing("spark.sql.streaming.stopTimeout", "60000")
                .set("spark.sql.session.timeZone", "UTC");
        if (options.iceberg()) {
            // Iceberg's SQL (CALL clicks.system.rewrite_data_files(...) and the like, docs/iceberg.md) in this
            // session; the tables themselves are written without it. The catalog is registered by IcebergTables.
            conf.setIfMissing("spark.sql.extensions",
                    "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");
        }
        if (!options.master().isBlank()) {
            conf.set("spark.master", options.master());
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
