package io.streamingclicks.job;

import io.streamingclicks.contract.ClickEventContract;
import io.streamingclicks.contract.OutputColumns;
import io.streamingclicks.job.options.JobOptions;
import io.streamingclicks.job.progress.ProgressFileListener;
import io.streamingclicks.job.sink.Sinks;
import io.streamingclicks.job.source.ClickSource;
import io.streamingclicks.job.transform.ClickParser;
import io.streamingclicks.job.transform.ParsedClicks;
import io.streamingclicks.job.transform.TimePartitions;
import io.streamingclicks.job.transform.WindowedCounts;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The pipeline: Kafka (or the landing files) -> parse -> quarantine | valid events -> watermark + tumbling windows -> the uv, pv, events and
 * quarantine Parquet sinks, each its own query with its own checkpoint (and optionally the console). Reads its
 * options, writes under the data root; {@link #stopGracefully} lets a running batch finish before stopping.
 */
public final class ClickJob {

    private static final Logger LOG = LoggerFactory.getLogger(ClickJob.class);

    private final SparkSession spark;
    private final List<StreamingQuery> queries;
    private final ProgressFileListener listener;

    private ClickJob(SparkSession spark, List<StreamingQuery> queries, ProgressFileListener listener) {
        this.spark = spark;
        this.queries = queries;
        this.listener = listener;
    }

    public static ClickJob start(SparkSession spark, JobOptions o) {
        ProgressFileListener listener = progressListener(o);
        if (listener != null) {
            spark.streams().addListener(listener);
        }
        List<StreamingQuery> queries = new ArrayList<>();
        ClickSource source = ClickSource.of(o);
        try {
            // Every query plans this same chain and so reads and parses the topic on its own (see README, Benchmark).
            ParsedClicks parsed = ClickParser.parse(source.records(spark), source.carried(), o.maxFutureSkew());
            Dataset<Row> events = parsed.valid();
            String window = "window=" + o.window() + source.checkpointTag();
            if (o.sinks().contains("events")) {
                queries.add(Sinks.parquet("events",
                        TimePartitions.by(events, ClickEventContract.EVENT_TIME), o,
                        "columns=" + parsed.eventColumns()));
            }
            if (o.sinks().contains("quarantine")) {
                queries.add(Sinks.parquet("quarantine", parsed.quarantinedByArrival(), o,
                        "columns=" + parsed.quarantineColumns()));
            }
            if (o.sinks().contains("pv")) {
                queries.add(Sinks.parquet("pv",
                        TimePartitions.by(WindowedCounts.pv(events, o.window(), o.watermark()),
                                OutputColumns.WINDOW_START), o,
                        window + ";columns=" + OutputColumns.PV_COLUMNS));
            }
            if (o.sinks().contains("uv")) {
                // The sketch's register count depends on rsd: state written with one rsd cannot be read with another.
                queries.add(Sinks.parquet("uv",
                        TimePartitions.by(WindowedCounts.uv(events, o.window(), o.watermark(), o.uvRsd()),
                                OutputColumns.WINDOW_START), o,
                        window + ";rsd=" + o.uvRsd() + ";columns=" + OutputColumns.UV_COLUMNS));
            }
            if (o.topn() > 0) {
                queries.add(Sinks.topn(WindowedCounts.pv(events, o.window(), o.watermark()), o,
                        window + ";n=" + o.topn() + ";columns=" + OutputColumns.PV_COLUMNS));
            }
            if (o.console()) {
                queries.add(Sinks.console("console_uv",
                        WindowedCounts.uv(events, o.window(), o.watermark(), o.uvRsd()), "append", o));
                queries.add(Sinks.console("console_pv",
                        WindowedCounts.pv(events, o.window(), o.watermark()), "append", o));
                queries.add(Sinks.console("clicks_per_user", WindowedCounts.clicksPerUser(events), "complete", o));
            }
        } catch (RuntimeException e) {
            queries.forEach(ClickJob::stopQuietly);
            throw e;
        }
        LOG.info("started queries {} reading {}", queries.stream().map(StreamingQuery::name).toList(),
                source.describe());
        return new ClickJob(spark, List.copyOf(queries), listener);
    }

    private static ProgressFileListener progressListener(JobOptions o) {
        String dir = o.dataRoot().progress();
        URI uri = URI.create(dir.replace(" ", "%20"));
        if (uri.getScheme() == null) {
            return new ProgressFileListener(Path.of(dir), o.progressMaxBytes());
        }
        if ("file".equals(uri.getScheme())) {
            return new ProgressFileListener(Path.of(uri), o.progressMaxBytes());
        }
        LOG.warn("progress/ is only written for a local data root; {} is not local, progress goes to the log only",
                dir);
        return null;
    }

    public List<StreamingQuery> queries() {
        return queries;
    }

    public StreamingQuery query(String name) {
        return queries.stream().filter(q -> name.equals(q.name())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no query " + name));
    }

    /** The first query that stopped with an error, if any. */
    public StreamingQuery failed() {
        return queries.stream().filter(q -> !q.isActive() && q.exception().isDefined()).findFirst().orElse(null);
    }

    /**
     * Stops every query between batches: waits (up to {@code grace} per query) until the query is not inside a
     * trigger, then stops it, so no batch is left with offsets written and output half-committed. A batch still
     * running after the grace is interrupted; the next start redoes it from the checkpoint.
     */
    public void stopGracefully(Duration grace) {
        Instant deadline = Instant.now().plus(grace);
        // Sweep all queries: each is stopped in its first idle moment, so no query starts a batch while we wait.
        while (queries.stream().anyMatch(StreamingQuery::isActive) && Instant.now().isBefore(deadline)) {
            for (StreamingQuery q : queries) {
                if (q.isActive() && !q.status().isTriggerActive()) {
                    stopQuietly(q);
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        queries.forEach(ClickJob::stopQuietly);
        if (listener != null) {
            spark.streams().removeListener(listener);
        }
    }

    private static void stopQuietly(StreamingQuery q) {
        try {
            q.stop();
        } catch (Exception e) {
            LOG.warn("stopping query {}: {}", q.name(), e.toString());
        }
    }
}
