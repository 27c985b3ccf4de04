package io.streamingclicks.job.maintenance;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.job.sink.IcebergSink;
import io.streamingclicks.job.sink.IcebergTables;
import org.apache.iceberg.Table;
import org.apache.iceberg.actions.DeleteOrphanFiles;
import org.apache.iceberg.actions.ExpireSnapshots;
import org.apache.iceberg.actions.RewriteDataFiles;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The tables' maintenance, the same for {@code make compact} (its own JVM) and the job's schedule
 * ({@code --compact-every}, a thread of the job): per table, rewrite small data files, expire old snapshots but those
 * the job still needs ({@link ExpiryPlan}), remove orphan files. Safe while the job streams: every commit is a
 * compare-and-set in the catalog (docs/iceberg.md), a rewrite only replaces files (the job's appends never conflict
 * with it) and the windows query skips its REPLACE snapshots.
 */
public final class TableMaintenance {

    private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);
    /** Orphan files younger than this are never removed, however short the batches. */
    public static final Duration MIN_ORPHAN_AGE = Duration.ofHours(1);
    /** Bin-pack option: a partition of two small files or more is rewritten (Iceberg's default is five). */
    private static final String MIN_INPUT_FILES = "min-input-files";
    private static final int ATTEMPTS = 3;

    private final SparkSession spark;
    private final IcebergTables tables;
    private final DataRoot root;
    private final String windowsCheckpoint;
    private final Duration retention;

    public TableMaintenance(SparkSession spark, IcebergTables tables, DataRoot root, String windowsCheckpoint,
                            Duration retention) {
        this.spark = spark;
        this.tables = tables;
        this.root = root;
        this.windowsCheckpoint = windowsCheckpoint;
        this.retention = retention;
    }

    /** What one table's maintenance did. */
    public record Report(String table, TableFiles before, TableFiles after, long filesRewritten, long filesAdded,
                         String leftAlone, ExpiryPlan expiry, long orphansRemoved, Instant orphansOlderThan) {
        public String describe() {
            return "table " + table + ": " + before.describe() + " before, " + after.describe() + " after (rewrote "
                    + filesRewritten + " into " + filesAdded + (leftAlone == null ? "" : "; " + leftAlone) + ");"
                    + " snapshots expired " + expiry.expire().size() + " (kept " + expiry.keptPastRetention()
                    + " past the retention: " + expiry.why() + "); orphan files removed " + orphansRemoved
                    + " (older than " + orphansOlderThan + ")";
        }
    }

    /** Thrown when one or more tables failed; the others were maintained. */
    public static final class Failed extends RuntimeException {
        public Failed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Maintains every table of the warehouse, each on its own: a table that fails does not stop the others.
     *
     * @throws Failed naming each table that failed and why, after the others were done
     */
    public List<Report> run() {
        SparkSession.setActiveSession(spark);
        Duration longest = LongestBatch.in(root.progress());
        Duration orphanAge = longest.compareTo(MIN_ORPHAN_AGE) > 0 ? longest : MIN_ORPHAN_AGE;
        List<Report> reports = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        RuntimeException first = null;
        for (DataRoot.Sink sink : DataRoot.Sink.values()) {
            if (!tables.exists(sink.dir())) {
                continue;
            }
            try {
                Report r = maintain(sink, orphanAge);
                LOG.info("maintenance: {}", r.describe());
                reports.add(r);
            } catch (RuntimeException e) {
                failures.add(tables.name(sink.dir()) + ": " + e);
                first = first == null ? e : first;
            }
        }
        if (!failures.isEmpty()) {
            throw new Failed("maintenance failed for " + String.join("; ", failures), first);
        }
        return reports;
    }

    private Report maintain(DataRoot.Sink sink, Duration orphanAge) {
        String name = sink.dir();
        TableFiles before = TableFiles.of(tables.load(name));
        String leftAlone = before.newestHour() == null ? null : "hour partition "
                + Instant.ofEpochSecond(before.newestHour() * 3600L) + " left alone: the newest, still growing";
        RewriteDataFiles.Result rewrite = retrying(name, "rewrite", () -> rewrite(tables.load(name), before));
        ExpiryPlan expiry = retrying(name, "expire", () -> expire(sink));
        Instant orphansOlderThan = Instant.now().minus(orphanAge);
        DeleteOrphanFiles.Result orphans = retrying(name, "orphans", () -> SparkActions.get(spark)
                .deleteOrphanFiles(tables.load(name)).olderThan(orphansOlderThan.toEpochMilli()).execute());
        long removed = 0;
        for (String ignored : orphans.orphanFileLocations()) {
            removed++;
        }
        return new Report(tables.name(name), before, TableFiles.of(tables.load(name)),
                rewrite.rewrittenDataFilesCount(), rewrite.addedDataFilesCount(), leftAlone, expiry, removed,
                orphansOlderThan);
    }

    /**
     * Bin-packs small files towards {@code write.target-file-size-bytes}, but not in the table's newest hour
     * partition: the stream keeps adding files there, so compacting it now would rewrite it again at every run until
     * the hour is over. Rows without an hour (quarantined landing records) are compacted like a past hour.
     */
    private RewriteDataFiles.Result rewrite(Table table, TableFiles files) {
        RewriteDataFiles action = SparkActions.get(spark).rewriteDataFiles(table).binPack()
                .option(MIN_INPUT_FILES, "2");
        if (files.newestHour() != null) {
            String column = table.schema().findColumnName(table.spec().fields().get(0).sourceId());
            long newestHourMicros = files.newestHour() * 3600L * 1_000_000L;
            Expression past = Expressions.or(Expressions.isNull(column),
                    Expressions.lessThan(column, newestHourMicros));
            action = action.filter(past);
        }
        return action.execute();
    }

    /**
     * The reader's position is read before the table: it only moves forward, so the snapshot it names is in the
     * table loaded after it.
     */
    private ExpiryPlan expire(DataRoot.Sink sink) {
        ExpiryPlan.Reader reader = sink == DataRoot.Sink.EVENTS
                ? ExpiryPlan.Reader.at(windowsResumeSnapshot()) : ExpiryPlan.NO_READER;
        Table table = tables.load(sink.dir());
        ExpiryPlan plan = ExpiryPlan.of(table, Instant.now().minus(retention).toEpochMilli(), reader);
        if (plan.expire().isEmpty()) {
            return plan;
        }
        // Iceberg would also expire whatever is past its own default age (5 days) that no branch keeps: with
        // expireOlderThan(0) only the ids given here go.
        ExpireSnapshots action = SparkActions.get(spark).expireSnapshots(table).expireOlderThan(0L);
        for (long id : plan.expire()) {
            action = action.expireSnapshotId(id);
        }
        action.execute();
        return plan;
    }

    private OptionalLong windowsResumeSnapshot() {
        return StreamReader.resumesFrom(spark, windowsCheckpoint);
    }

    /**
     * A commit that lost its race: SQLITE_BUSY (nothing committed), Iceberg's commit retries exhausted under a fast
     * stream of appends, or a rewrite whose files another maintenance run rewrote first (a ValidationException). The
     * step is computed again on the table as it is now; a validation failure that stays is reported after the last
     * attempt.
     */
    private <T> T retrying(String table, String step, Supplier<T> action) {
        for (int attempt = 1; ; attempt++) {
            try {
                return action.get();
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || !(IcebergSink.busy(e) || lostRace(e))) {
                    throw e;
                }
                LOG.warn("maintenance of {}: {} lost a commit race (attempt {} of {}): {}", tables.name(table), step,
                        attempt, ATTEMPTS, e.toString());
            }
        }
    }

    private static boolean lostRace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CommitFailedException || t instanceof ValidationException) {
                return true;
            }
        }
        return false;
    }
}
