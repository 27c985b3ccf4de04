package io.streamingclicks.job.sink;

import io.streamingclicks.accounting.iceberg.IngestHighWater;
import io.streamingclicks.accounting.iceberg.StreamingOffset;
import io.streamingclicks.accounting.iceberg.TableSnapshot;
import io.streamingclicks.accounting.spark.BatchHistory;
import io.streamingclicks.accounting.spark.QueryId;
import io.streamingclicks.contract.DataRoot.Sink;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The ingest high-water of a windows batch's Iceberg offset, for {@code chk/windows/history}: worked out from the
 * events table's snapshots when the batch is recorded (one batch after it committed), while expiry still keeps them
 * (it keeps the windows query's resume snapshot and everything after it). A reader asking about an old window later
 * finds it there, after its snapshots were expired (docs/data-root.md).
 */
public final class TableHighWater implements BatchHistory.HighWater {

    private static final Logger LOG = LoggerFactory.getLogger(TableHighWater.class);

    private final IcebergTables tables;
    private final Path ingestCheckpoint;
    private Table events;

    public TableHighWater(IcebergTables tables, Path ingestCheckpoint) {
        this.tables = tables;
        this.ingestCheckpoint = ingestCheckpoint;
    }

    @Override
    public OptionalLong of(StreamingOffset offset) {
        if (offset.isStart()) {
            return OptionalLong.of(-1);
        }
        try {
            // The table as last loaded holds the offset's snapshot and its ancestry unless the offset is newer.
            if (events == null || events.snapshot(offset.snapshotId()) == null) {
                events = tables.load(Sink.EVENTS.dir());
            }
            List<TableSnapshot> snapshots = new ArrayList<>();
            for (Snapshot s : events.snapshots()) {
                snapshots.add(new TableSnapshot(s.snapshotId(), s.parentId(), s.operation(), s.summary()));
            }
            return new IngestHighWater(snapshots, QueryId.read(ingestCheckpoint).orElse("")).readTo(offset);
        } catch (RuntimeException e) {
            // Recorded without it: a reader then works it out from the snapshots while they are there, as before.
            LOG.warn("the ingest high-water of {} in the events table cannot be told: {}", offset, e.toString());
            return OptionalLong.empty();
        }
    }
}
