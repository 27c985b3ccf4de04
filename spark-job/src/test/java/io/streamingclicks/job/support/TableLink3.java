package io.streamingclicks.job.support;

import io.streamingclicks.accounting.iceberg.IngestHighWater;
import io.streamingclicks.accounting.iceberg.TableSnapshot;
import io.streamingclicks.accounting.links.Link3;
import io.streamingclicks.accounting.spark.BatchHistory;
import io.streamingclicks.accounting.spark.CheckpointLog;
import io.streamingclicks.accounting.spark.FileSourceLog;
import io.streamingclicks.accounting.spark.IngestBatches;
import io.streamingclicks.accounting.spark.QueryId;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Link 3 (docs/accounting.md) on the Iceberg format, as the tests ask it: the windows query streams the events
 * table, its offsets name snapshots, so an event is keyed by the ingest batch that wrote it (its Kafka offset inside
 * a range of {@code chk/ingest/offsets}, or its landing file) and a window counted the events of the ingest batches
 * up to the high-water of batch j-1's snapshot. Accounting's {@link Link3#ofTable} decides; this class only reads the
 * checkpoints and the tables (the {@link JobRun}'s catalog) and names what failed. The sibling of {@link
 * io.streamingclicks.job.support.Link3}, which reads the Parquet layout.
 */
public final class TableLink3 {

    private TableLink3() {
    }

    /**
     * Link 3, exact, for every window the windows query has sealed (its end at or below the committed watermark):
     * Σpv(w) = the events of w that the windows query counted. Returns the counted events per sealed window.
     */
    public static Map<Instant, Long> assertPvIsTheCountedEvents(JobRun run, Duration window) {
        return assertPvIsTheCountedEvents(run.spark, run.checkpoint("ingest"), run.checkpoint("windows"), window);
    }

    /** As {@link #assertPvIsTheCountedEvents(JobRun, Duration)}, on the tables of a job running in another process. */
    public static Map<Instant, Long> assertPvIsTheCountedEvents(IcebergRoot tables, Duration window) {
        try {
            return assertPvIsTheCountedEvents(tables.spark, tables.root.resolve("chk/ingest"),
                    tables.root.resolve("chk/windows"), window);
        } finally {
            SparkSession.setActiveSession(TestSpark.get());
        }
    }

    private static Map<Instant, Long> assertPvIsTheCountedEvents(SparkSession spark, Path ingestChk, Path windowsChk,
                                                                 Duration window) {
        // Checkpoints before the tables: every snapshot an offset names is then in the table, and every batch the
        // windows checkpoint calls committed has its pv rows in the table.
        CheckpointLog windows = CheckpointLog.read(windowsChk);
        IngestBatches ingest = new IngestBatches(CheckpointLog.read(ingestChk), FileSourceLog.read(ingestChk));
        String ingestId = QueryId.read(ingestChk).orElseThrow(() -> new AssertionError(ingestChk + " has no id"));
        Long sealed = windows.committedWatermark();
        assertThat(sealed).as("the windows query has committed a batch").isNotNull();

        SparkSession.setActiveSession(spark);
        List<TableSnapshot> snapshots = new ArrayList<>();
        for (Row r : spark.sql("select snapshot_id, parent_id, operation, summary from "
                + Tables.name("events") + ".snapshots").collectAsList()) {
            snapshots.add(new TableSnapshot(r.getLong(0), r.isNullAt(1) ? null : r.getLong(1), r.getString(2),
                    r.getJavaMap(3)));
        }
        IngestHighWater highWater = new IngestHighWater(snapshots, ingestId);
        // The high-water the job recorded with each windows batch in chk/windows/history is what the snapshots say.
        // (A batch recorded since the checkpoint was read above is not checked.)
        BatchHistory.ingestHighWaters(windowsChk).forEach((id, recorded) -> windows.batch(id).ifPresent(b -> {
            OptionalLong now = highWater.readTo(b.tableOffset());
            if (now.isPresent()) {
                assertThat(recorded).as("chk/windows/history's ingest high-water of batch %d", id)
                        .isEqualTo(now.getAsLong());
            }
        }));

        long w = window.toSeconds();
        boolean files = Arrays.asList(spark.table(Tables.name("events")).columns()).contains("source_file");
        List<Link3.TableEvent> events = new ArrayList<>();
        for (Row r : Tables.rows(spark, "events", ("select timestamp_seconds(floor(unix_seconds(event_time) / %d)"
                + " * %d), kafka_partition, kafka_offset, %s from t").formatted(w, w,
                files ? "source_file" : "cast(null as string)"))) {
            OptionalLong batch = r.isNullAt(1) ? ingest.ofFile(r.getString(3))
                    : ingest.ofKafka(r.getInt(1), r.getLong(2));
            events.add(new Link3.TableEvent(batch.isPresent() ? batch.getAsLong() : null,
                    r.getTimestamp(0).toInstant()));
        }
        Link3 link3 = Link3.ofTable(windows, highWater, window, events);

        Map<Instant, Long> pvSums = new TreeMap<>();
        Tables.rows(spark, "pv", "select window_start, sum(pv) from t group by 1")
                .forEach(r -> pvSums.put(r.getTimestamp(0).toInstant(), r.getLong(1)));
        Map<Instant, Long> counted = new TreeMap<>();
        Map<Instant, Long> actual = new TreeMap<>();
        link3.windows().forEach((start, split) -> {
            if (start.plus(window).toEpochMilli() <= sealed) {
                counted.put(start, split.counted());
                actual.put(start, pvSums.getOrDefault(start, 0L));
            }
        });
        assertThat(actual).as("Σpv per sealed window vs the events link 3 counts (ingest batch <= the high-water"
                + " of batch j-1)").isEqualTo(counted);
        return counted;
    }
}
