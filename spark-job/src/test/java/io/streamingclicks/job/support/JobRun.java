package io.streamingclicks.job.support;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.job.ClickJob;
import io.streamingclicks.job.options.JobOptions;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/** The job running in the test JVM on a data root of its own, with waits on what its checkpoints say. */
public final class JobRun implements AutoCloseable {

    public final Path root;
    public final JobOptions options;
    public final ClickJob job;
    /** The session the job runs in: the shared one, or for the iceberg format a new one with its own catalog. */
    public final SparkSession spark;

    private JobRun(Path root, JobOptions options, ClickJob job, SparkSession spark) {
        this.root = root;
        this.options = options;
        this.job = job;
        this.spark = spark;
    }

    /** Starts the job with short triggers; {@code extra} are more command-line options. */
    public static JobRun start(Path root, String bootstrap, String topic, String... extra) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrap, "--topic", topic,
                "--data-dir", root.toString(), "--trigger", "300 ms"));
        args.addAll(List.of(extra));
        JobOptions options = JobOptions.parse(args.toArray(String[]::new), Map.of());
        // A session registers its catalog "clicks" once, on one warehouse: each iceberg run gets a session of its own.
        SparkSession spark = options.iceberg() ? TestSpark.get().newSession() : TestSpark.get();
        return new JobRun(root, options, ClickJob.start(spark, options), spark);
    }

    public Path output(String sink) {
        return Path.of(options.output(sink));
    }

    public Path checkpoint(String sink) {
        return Path.of(options.checkpoint(sink));
    }

    public Path progress() {
        return Path.of(options.dataRoot().progress());
    }

    /** Waits until the query's last committed batch ends at {@code records} records in total over all partitions. */
    public void awaitCommitted(String query, long records) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertAlive();
            return Checkpoints.committedRecords(checkpoint(query)) >= records;
        });
    }

    /**
     * Waits until the ingest query has committed {@code records} records and the windows query has then read every
     * events file committed so far: each event sent is then in a windows batch, counted or dropped as late.
     */
    public void awaitWindowsCaughtUp(long records) {
        awaitCommitted(DataRoot.Query.INGEST.dir(), records);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertAlive();
            return Checkpoints.windowsCaughtUp(root);
        });
    }

    /** Waits until the query reports a watermark at or past {@code at}. */
    public void awaitWatermark(String query, Instant at) {
        StreamingQuery q = job.query(query);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertAlive();
            StreamingQueryProgress p = q.lastProgress();
            String wm = p == null ? null : p.eventTime().get("watermark");
            return wm != null && !Instant.parse(wm).isBefore(at);
        });
    }

    private void assertAlive() {
        StreamingQuery failed = job.failed();
        if (failed != null) {
            throw new AssertionError("query " + failed.name() + " failed", failed.exception().get());
        }
    }

    public static Path dataRoot(Path tmp, String name) {
        return tmp.resolve(name);
    }

    @Override
    public void close() {
        job.stopGracefully(Duration.ofSeconds(20));
        // IcebergTables made this run's session the thread's active one; the next test starts from the shared one.
        SparkSession.setActiveSession(TestSpark.get());
    }

    /** The layout the job writes, for readers of its output. */
    public DataRoot layout() {
        return options.dataRoot();
    }
}
