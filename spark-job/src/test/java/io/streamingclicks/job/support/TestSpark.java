package io.streamingclicks.job.support;

import org.apache.spark.sql.SparkSession;

/**
 * One local Spark session per test JVM (UTC, 3 shuffle partitions, so state spread over several stores is tested;
 * no UI; bound to 127.0.0.1).
 */
public final class TestSpark {

    private static SparkSession session;

    private TestSpark() {
    }

    public static synchronized SparkSession get() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2]")
                    .appName("spark-job-tests")
                    .config("spark.sql.shuffle.partitions", "3")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.session.timeZone", "UTC")
                    // As SparkSessions sets them for the job, so the tests write and aggregate the way it does.
                    .config("spark.sql.maxConcurrentOutputFileWriters", "4")
                    .config("spark.sql.objectHashAggregate.sortBased.fallbackThreshold", "4096")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }
}
