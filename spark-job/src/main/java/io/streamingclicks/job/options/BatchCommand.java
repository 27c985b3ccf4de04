package io.streamingclicks.job.options;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.util.function.BiConsumer;

/**
 * What the batch commands run from make share ({@code spark-job.jar samples}, the trainer): reading
 * {@code --name value} pairs, and the Spark session such a run starts.
 */
public final class BatchCommand {

    private BatchCommand() {
    }

    /** {@code --help} or {@code -h} alone. */
    public static boolean asksHelp(String[] args) {
        return args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"));
    }

    /**
     * Hands each {@code option value} pair to {@code option}, in order; {@code option} throws a UsageException for
     * an option it does not know.
     *
     * @throws UsageException when the last option has no value
     */
    public static void forEachOption(String[] args, BiConsumer<String, String> option) {
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new UsageException("option " + args[i] + " needs a value");
            }
            option.accept(args[i], args[i + 1]);
        }
    }

    /**
     * A session for one batch run: {@code master} unless spark-submit set one, a few shuffle partitions (a batch
     * over a range, not the streaming job's state stores), no UI, the driver on 127.0.0.1, times in UTC.
     */
    public static SparkSession session(String appName, String master) {
        SparkConf conf = new SparkConf()
                .setAppName(appName)
                .setIfMissing("spark.master", master)
                .setIfMissing("spark.sql.shuffle.partitions", "4")
                .setIfMissing("spark.ui.enabled", "false")
                .setIfMissing("spark.driver.host", "127.0.0.1")
                .setIfMissing("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.sql.session.timeZone", "UTC");
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
