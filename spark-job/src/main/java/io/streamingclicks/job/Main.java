package io.streamingclicks.job;

import io.streamingclicks.job.maintenance.CompactCommand;
import io.streamingclicks.job.options.JobOptions;
import io.streamingclicks.job.options.UsageException;
import io.streamingclicks.job.samples.SamplesCommand;
import io.streamingclicks.job.source.ClickSource;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Entry point for {@code java -jar spark-job.jar} and {@code spark-submit}: reads the options, runs {@link ClickJob}
 * until SIGTERM/SIGINT (then stops every query between batches and exits 0) or until a query fails (exit 1).
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(25);

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("samples")) { // a batch command: docs/features.md
            System.exit(SamplesCommand.main(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(JobOptions.usage());
            return;
        }
        if (args.length > 0 && args[0].equals(JobOptions.COMPACT)) {
            try {
                System.exit(CompactCommand.run(Arrays.copyOfRange(args, 1, args.length), System.getenv()));
            } catch (UsageException e) {
                System.err.println("error: " + e.getMessage() + "\n");
                System.err.println(JobOptions.usage());
                System.exit(2);
            }
            return;
        }
        JobOptions options;
        try {
            options = JobOptions.parse(args, System.getenv());
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage() + "\n");
            System.err.println(JobOptions.usage());
            System.exit(2);
            return;
        }
        // Our own handler instead of a shutdown hook: Spark's hook would stop the context under a running batch.
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());

        try {
            ClickSource.of(options).preflight(Duration.ofSeconds(30));
        } catch (IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
            return;
        }
        SparkSession spark = SparkSessions.create(options);
        ClickJob job;
        try {
            job = ClickJob.start(spark, options);
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            spark.stop();
            System.exit(1);
            return;
        }
        int exit = 0;
        while (!stop.await(1, TimeUnit.SECONDS)) {
            StreamingQuery failed = job.failed();
            if (failed != null) {
                LOG.error("query {} failed; stopping the job", failed.name(), failed.exception().get());
                exit = 1;
                break;
            }
        }
        LOG.info(exit == 0 ? "stop requested: stopping every query between batches" : "stopping the other queries");
        job.stopGracefully(STOP_GRACE);
        spark.stop();
        LOG.info("stopped");
        System.exit(exit);
    }
}
