package io.streamingclicks.job;

import io.streamingclicks.accounting.spark.BatchHistory;
import io.streamingclicks.contract.ClickEventContract;
import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.contract.DataRoot.Query;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.contract.OutputColumns;
import io.streamingclicks.job.maintenance.CompactSchedule;
import io.streamingclicks.job.maintenance.TableMaintenance;
import io.streamingclicks.job.options.JobOptions;
import io.streamingclicks.job.progress.PlanLog;
import io.streamingclicks.job.progress.ProgressFileListener;
import io.streamingclicks.job.sink.CheckpointPairing;
import io.streamingclicks.job.sink.BatchSink;
import io.streamingclicks.job.sink.CommittedSink;
import io.streamingclicks.job.sink.IcebergSink;
import io.streamingclicks.job.sink.IcebergTables;
import io.streamingclicks.job.sink.IngestBatch;
import io.streamingclicks.job.sink.PreviousLayout;
import io.streamingclicks.job.sink.TableHighWater;
import io.streamingclicks.job.sink.WindowsBatch;
import io.streamingclicks.job.source.ClickSource;
import io.streamingclicks.job.transform.ClickParser;
import io.streamingclicks.job.transform.ParsedClicks;
import io.streamingclicks.job.transform.TimePartitions;
import io.streamingclicks.job.transform.TopN;
import io.streamingclicks.job.transform.WindowedCounts;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The pipeline, two streaming queries (docs/job-topology.md):
 * <ul>
 *   <li>{@code ingest}: Kafka (or the landing files) -> parse once -> {@code events} and {@code quarantine};</li>
 *   <li>{@code windows}: the committed {@code events} (Spark's file source reads a file-sink directory through its
 *       {@code _spark_metadata}) -> watermark, tumbling windows per page with pv and a user sketch -> {@code pv},
 *       {@code uv} and {@code topn} of each sealed window, from the same rows.</li>
 * </ul>
 * Each Parquet output keeps its own {@code _spark_metadata} ({@link CommittedSink}); with {@code --format iceberg}
 * each output is a table of {@code DATA_DIR/warehouse} ({@link IcebergSink}, docs/iceberg.md) and the windows query
 * streams the events table. Each query keeps its checkpoint {@code chk/<query>}. {@link #stopGracefully} lets a running batch finish before stopping.
 */
public final class ClickJob {

    private static final Logger LOG = LoggerFactory.getLogger(ClickJob.class);

    private final SparkSession spark;
    private final List<StreamingQuery> queries;
    private final ProgressFileListener listener;
    private final CompactSchedule compaction;
    private final List<BatchHistory> histories;

    private ClickJob(SparkSession spark, List<StreamingQuery> queries, ProgressFileListener listener,
                     CompactSchedule compaction, List<BatchHistory> histories) {
        this.spark = spark;
        this.queries = queries;
        this.listener = listener;
        this.compaction = compaction;
        this.histories = histories;
    }

    public static ClickJob start(SparkSession spark, JobOptions o) {
        Configuration conf = spark.sessionState().newHadoopConf();
        PreviousLayout.refuse(o, conf);
        ProgressFileListener listener = progressListener(o);
        if (listener != null) {
            spark.streams().addListener(listener);
        }
        PlanLog.addIfRequested(spark);
        List<StreamingQuery> queries = new ArrayList<>();
        List<BatchHistory> histories = new ArrayList<>();
        ClickSource source = ClickSource.of(o);
        IcebergTables tables;
        try {
            ParsedClicks parsed = ClickParser.parse(source.records(spark), source.carried(), o.maxFutureSkew());
            boolean windowed = o.writes(Sink.UV) || o.writes(Sink.PV) || o.writes(Sink.TOPN);
            tables = o.iceberg() ? IcebergTables.open(spark, o.dataRoot()) : null;
            // Both checkpoints are checked before either query starts: a refused start processes nothing.
            pair(Query.INGEST, o, ingestShape(o, source, parsed), conf, tables);
            if (windowed) {
                pair(Query.WINDOWS, o, windowsShape(o, source), conf, tables);
            }
            if (tables != null) {
                ensure(tables, o, Sink.EVENTS, TimePartitions.by(parsed.valid(), ClickEventContract.EVENT_TIME),
                        ClickEventContract.EVENT_TIME);
                ensure(tables, o, Sink.QUARANTINE, parsed.quarantinedByArrival(),
                        OutputColumns.KAFKA_TIMESTAMP);
            }
            Dataset<Row> events = null;
            Dataset<Row> pages = null;
            if (windowed) {
                events = tables == null ? committedEvents(spark, o, parsed.valid().schema())
                        : tableEvents(spark, tables);
                pages = WindowedCounts.pages(events, o.window(), o.watermark(), o.lgK());
                if (tables != null) {
                    Dataset<Row> pv = WindowedCounts.pv(pages);
                    ensure(tables, o, Sink.PV, TimePartitions.by(pv, OutputColumns.WINDOW_START),
                            OutputColumns.WINDOW_START);
                    ensure(tables, o, Sink.UV, TimePartitions.by(WindowedCounts.uv(pages), OutputColumns.WINDOW_START),
                            OutputColumns.WINDOW_START);
                    ensure(tables, o, Sink.TOPN, TimePartitions.by(TopN.rank(pv, Math.max(o.topn(), 1)),
                            OutputColumns.WINDOW_START), OutputColumns.WINDOW_START);
                }
            }
            BatchHistory ingestHistory = history(o, Query.INGEST, null);
            queries.add(ingest(spark, o, parsed, tables, ingestHistory));
            histories.add(ingestHistory);
            if (windowed) {
                BatchHistory windowsHistory = history(o, Query.WINDOWS, tables);
                queries.add(windows(spark, o, pages, tables, windowsHistory));
                histories.add(windowsHistory);
                if (o.console()) {
                    queries.add(console(WindowedCounts.clicksPerUser(events), o));
                }
            }
        } catch (RuntimeException e) {
            queries.forEach(ClickJob::stopQuietly);
            if (listener != null) {
                spark.streams().removeListener(listener);
            }
            throw e;
        }
        LOG.info("started queries {} reading {}", queries.stream().map(StreamingQuery::name).toList(),
                source.describe());
        histories.removeIf(java.util.Objects::isNull);
        return new ClickJob(spark, List.copyOf(queries), listener, compaction(spark, o, tables),
                List.copyOf(histories));
    }

    /** The tables' maintenance on a thread of the job ({@code --compact-every}), or null. */
    private static CompactSchedule compaction(SparkSession spark, JobOptions o, IcebergTables tables) {
        if (tables == null || !o.compactsInJob()) {
            return null;
        }
        TableMaintenance maintenance = new TableMaintenance(spark, tables, o.dataRoot(),
                o.checkpoint(Query.WINDOWS), o.snapshotRetention());
        return CompactSchedule.start(maintenance::run, o.compactEvery());
    }

    private static String ingestShape(JobOptions o, ClickSource source, ParsedClicks parsed) {
        return "events=" + o.writes(Sink.EVENTS) + ";quarantine=" + o.writes(Sink.QUARANTINE) + source.checkpointTag()
                + ";events-columns=" + parsed.eventColumns() + ";quarantine-columns=" + parsed.quarantineColumns();
    }

    /** The sketch's lgK sets the state's size and the uv column's precision: state of one lgK is not another's. */
    private static String windowsShape(JobOptions o, ClickSource source) {
        return "window=" + o.window() + ";lgK=" + o.lgK() + source.checkpointTag() + ";uv=" + o.writes(Sink.UV)
                + ";pv=" + o.writes(Sink.PV) + ";topn=" + o.topn() + ";columns=" + OutputColumns.UV_COLUMNS + "|"
                + OutputColumns.PV_COLUMNS + "|" + OutputColumns.TOPN_COLUMNS;
    }

    private static StreamingQuery ingest(SparkSession spark, JobOptions o, ParsedClicks parsed,
                                         IcebergTables tables, BatchHistory history) {
        IngestBatch batch = new IngestBatch(sink(spark, o, Sink.EVENTS, tables),
                sink(spark, o, Sink.QUARANTINE, tables), parsed.carried(), history);
        return start(Query.INGEST, parsed.rows().writeStream().foreachBatch(batch), o, o.trigger());
    }

    private static StreamingQuery windows(SparkSession spark, JobOptions o, Dataset<Row> pages,
                                          IcebergTables tables, BatchHistory history) {
        WindowsBatch batch = new WindowsBatch(sink(spark, o, Sink.UV, tables), sink(spark, o, Sink.PV, tables),
                sink(spark, o, Sink.TOPN, tables), o.topn(), o.console(), history);
        return start(Query.WINDOWS, pages.writeStream().outputMode("append").foreachBatch(batch), o,
                o.windowsTrigger());
    }

    /**
     * The committed events as a stream, from the events table: Iceberg's streaming source reads the data files each
     * new APPEND snapshot added, so only committed rows, and skips the REPLACE snapshots compaction makes (their rows
     * were read already). It fails on a DELETE or OVERWRITE snapshot, which this job never makes: better than
     * silently reading a table someone rewrote.
     */
    private static Dataset<Row> tableEvents(SparkSession spark, IcebergTables tables) {
        return spark.readStream().format("iceberg").load(tables.name(Sink.EVENTS.dir()));
    }

    private static void ensure(IcebergTables tables, JobOptions o, Sink sink, Dataset<Row> rows, String hourColumn) {
        if (o.writes(sink)) {
            tables.ensure(sink.dir(), rows.schema(), hourColumn);
        }
    }

    /**
     * The committed events as a stream. The file source reads a file-sink directory through its
     * {@code _spark_metadata} only if that directory exists when it first lists: otherwise, should it see data files
     * first (a batch of the ingest query in flight), it would read the directory listing from then on, uncommitted
     * files included. So the log directory is created before the query starts.
     */
    private static Dataset<Row> committedEvents(SparkSession spark, JobOptions o, StructType schema) {
        String output = o.output(Sink.EVENTS);
        try {
            Path log = new Path(output, DataRoot.SPARK_METADATA);
            log.getFileSystem(spark.sessionState().newHadoopConf()).mkdirs(log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + output + "/" + DataRoot.SPARK_METADATA + ": "
                    + e.getMessage(), e);
        }
        // The partition columns come from the paths (date=/hour=): part of the source's schema, typed as written.
        StructType withPartitions = schema.add(OutputColumns.DATE, DataTypes.StringType)
                .add(OutputColumns.HOUR, DataTypes.IntegerType);
        return spark.readStream().schema(withPartitions).parquet(output);
    }

    private static BatchSink sink(SparkSession spark, JobOptions o, Sink sink, IcebergTables tables) {
        if (!o.writes(sink)) {
            return null;
        }
        return tables != null ? new IcebergSink(sink.dir(), tables)
                : CommittedSink.parquet(spark, sink.dir(), o.output(sink), WRITE_OPTIONS.get(sink));
    }

    /**
     * Every event_id (and every quarantined raw line) is distinct: Parquet would build a dictionary for it on each
     * page and then fall back to plain encoding, which is where the files end up anyway (checked with DuckDB's
     * parquet_metadata on a make bench-spark run). Plain from the start.
     */
    private static final java.util.Map<Sink, java.util.Map<String, String>> WRITE_OPTIONS = java.util.Map.of(
            Sink.EVENTS, java.util.Map.of("parquet.enable.dictionary#" + ClickEventContract.EVENT_ID, "false"),
            Sink.QUARANTINE, java.util.Map.of("parquet.enable.dictionary#" + OutputColumns.RAW, "false"),
            Sink.UV, java.util.Map.of(), Sink.PV, java.util.Map.of(), Sink.TOPN, java.util.Map.of());

    /**
     * Pairs the query's checkpoint with its outputs before anything is created: a sink's log directory is made when
     * the sink is, so a refused start must not get that far.
     */
    private static void pair(Query query, JobOptions o, String shape, Configuration conf, IcebergTables tables) {
        List<Sink> sinks = query.sinks().stream().filter(o::writes).toList();
        if (tables == null) {
            CheckpointPairing.check(query.dir(), sinks.stream().map(o::output).toList(), o.checkpoint(query), shape,
                    conf);
            return;
        }
        // A table's commits carry the query id of the checkpoint that wrote them: a new checkpoint (a new id) over
        // them would write its first batches again.
        java.util.Map<String, Sink> byId = new java.util.LinkedHashMap<>();
        sinks.forEach(s -> byId.put(tables.pairingId(s.dir()), s));
        CheckpointPairing.check(query.dir(), List.copyOf(byId.keySet()), o.checkpoint(query), shape, conf,
                id -> tables.hasCommits(byId.get(id).dir()),
                "its commits carry the old checkpoint's query id, so the new one would append its first batches"
                        + " again. Restore the checkpoint that wrote it, or start a new data root (make reset).");
    }

    private static StreamingQuery start(Query query, DataStreamWriter<Row> writer, JobOptions o, Duration trigger) {
        try {
            return writer.queryName(query.dir())
                    .option("checkpointLocation", o.checkpoint(query))
                    .trigger(Trigger.ProcessingTime(trigger.toMillis()))
                    .start();
        } catch (TimeoutException e) {
            throw new IllegalStateException("query " + query.dir() + " did not start: " + e.getMessage(), e);
        }
    }

    private static StreamingQuery console(Dataset<Row> rows, JobOptions o) {
        try {
            return rows.writeStream()
                    .queryName("clicks_per_user")
                    .format("console")
                    .option("truncate", "false")
                    .option("numRows", 50)
                    .outputMode("complete")
                    .trigger(Trigger.ProcessingTime(o.windowsTrigger().toMillis()))
                    .start();
        } catch (TimeoutException e) {
            throw new IllegalStateException("query clicks_per_user did not start: " + e.getMessage(), e);
        }
    }

    private static ProgressFileListener progressListener(JobOptions o) {
        String dir = o.dataRoot().progress();
        java.nio.file.Path local = localPath(dir);
        if (local != null) {
            return new ProgressFileListener(local, o.progressMaxBytes());
        }
        LOG.warn("progress/ is only written for a local data root; {} is not local, progress goes to the log only",
                dir);
        return null;
    }

    /**
     * The history of the query's committed batches in its checkpoint ({@code chk/<query>/history},
     * docs/data-root.md): appended by the query's batch body before Spark's retention can purge a batch, so the
     * accounting finds every batch however old. Local data roots only, as {@code progress/}: an object store cannot
     * append. With {@code tables} (the windows query over the events table), each batch is recorded with the ingest
     * high-water of its offset, which link 3 still needs once the snapshots it names are expired.
     */
    private static BatchHistory history(JobOptions o, Query query, IcebergTables tables) {
        String chk = o.checkpoint(query);
        java.nio.file.Path local = localPath(chk);
        java.nio.file.Path ingest = localPath(o.checkpoint(Query.INGEST));
        if (local != null && tables != null && ingest != null) {
            return BatchHistory.of(local, new TableHighWater(tables, ingest));
        }
        if (local != null) {
            return BatchHistory.of(local);
        }
        LOG.warn("{}/{} is only kept for a local data root; {} is not local: the accounting sees only the batches"
                + " Spark retains (docs/accounting.md, Limits)", chk, BatchHistory.DIR, chk);
        return null;
    }

    /** A local path or {@code file:} URI as a path; null for any other file system. */
    private static java.nio.file.Path localPath(String dir) {
        URI uri = URI.create(dir.replace(" ", "%20"));
        if (uri.getScheme() == null) {
            return java.nio.file.Path.of(dir);
        }
        return "file".equals(uri.getScheme()) ? java.nio.file.Path.of(uri) : null;
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
     * Stops every query between batches, so no batch is left with offsets written and outputs half-committed. A query
     * is stopped at its first moment outside a trigger, or as soon as its last progress moved past the batch it was
     * in when the stop began: a query that is always behind starts its next trigger microseconds after finishing one,
     * so a poll rarely sees it idle, but its progress is recorded right after the batch's checkpoint commit; stopping
     * it then interrupts only the planning of the next batch, which the next start plans again from the same offsets.
     * A batch still running after {@code grace} is interrupted; the next start redoes it from the checkpoint (every
     * output skips a batch it committed).
     */
    public void stopGracefully(Duration grace) {
        if (compaction != null) {
            compaction.close();
        }
        Instant deadline = Instant.now().plus(grace);
        Map<StreamingQuery, Long> inBatch = new HashMap<>();
        queries.forEach(q -> inBatch.put(q, lastBatch(q)));
        while (queries.stream().anyMatch(StreamingQuery::isActive) && Instant.now().isBefore(deadline)) {
            for (StreamingQuery q : queries) {
                if (!q.isActive()) {
                    continue;
                }
                long last = lastBatch(q);
                if (!q.status().isTriggerActive() || last > inBatch.get(q)) {
                    stopQuietly(q);
                    LOG.info("query {} stopped between batches (last committed batch {})", q.name(), last);
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (StreamingQuery q : queries) {
            if (q.isActive()) {
                LOG.warn("query {} was still in a batch after the {} s grace: stopping it mid-batch (the next start"
                        + " redoes the batch from the checkpoint)", q.name(), grace.toSeconds());
                stopQuietly(q);
            }
        }
        // The batches committed since the last batch body ran (the last one, at least): on a clean stop the history
        // is complete, without waiting for the next start.
        for (BatchHistory h : histories) {
            try {
                h.catchUp();
            } catch (RuntimeException e) {
                LOG.warn("{}; the next batch records them", e.getMessage());
            }
        }
        if (listener != null) {
            spark.streams().removeListener(listener);
        }
    }

    /** The id of the query's last finished batch, -1 before its first. */
    private static long lastBatch(StreamingQuery q) {
        StreamingQueryProgress p = q.lastProgress();
        return p == null ? -1 : p.batchId();
    }

    private static void stopQuietly(StreamingQuery q) {
        try {
            q.stop();
        } catch (Exception e) {
            LOG.warn("stopping query {}: {}", q.name(), e.toString());
        }
    }
}
