package io.streamingclicks.job.maintenance;

import io.streamingclicks.contract.Warehouse;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The snapshots expiry removes from one table, computed here rather than left to {@code retainLast} or Iceberg's
 * default age: a snapshot older than the retention, unless the job still needs it. The job needs, besides the current
 * snapshot:
 * <ul>
 *   <li>the newest snapshot of each streaming query id in the current ancestry: before writing a batch,
 *       {@code IcebergSink} walks the ancestry from the current snapshot to it ({@code SnapshotBatches}); without it a
 *       redone batch would be appended again;</li>
 *   <li>for the events table, the snapshot the windows query resumes from ({@link StreamReader}): Iceberg's source
 *       fails on an offset whose snapshot was expired.</li>
 * </ul>
 * Both are reached by walking parent links from the current snapshot, and a walk stops at the first expired parent,
 * so every ancestor between the current snapshot and the deepest of them is kept too: the protected chain.
 * A reader whose position is unknown (or names a snapshot not in the ancestry) keeps the whole table.
 */
public record ExpiryPlan(List<Long> expire, int keptPastRetention, String why) {

    /** The table has no streaming reader (pv, uv, topn, quarantine). */
    public static final Reader NO_READER = new Reader(false, OptionalLong.empty());

    /** A streaming reader of the table and the snapshot it resumes from, if known. */
    public record Reader(boolean present, OptionalLong snapshot) {
        public static Reader at(OptionalLong snapshot) {
            return new Reader(true, snapshot);
        }
    }

    /** @param olderThanMillis snapshots committed before this instant are past the retention */
    public static ExpiryPlan of(Table table, long olderThanMillis, Reader reader) {
        Snapshot current = table.currentSnapshot();
        if (current == null) {
            return new ExpiryPlan(List.of(), 0, "no snapshot");
        }
        List<Snapshot> ancestry = new ArrayList<>();
        SnapshotUtil.ancestorsOf(current.snapshotId(), table::snapshot).forEach(ancestry::add);
        int deepest = 0;
        List<String> reasons = new ArrayList<>();
        Set<String> queries = new HashSet<>();
        for (int i = 0; i < ancestry.size(); i++) {
            String query = ancestry.get(i).summary().get(Warehouse.SUMMARY_QUERY_ID);
            if (query != null && queries.add(query)) {
                deepest = Math.max(deepest, i);
            }
        }
        reasons.add("the newest snapshot of " + queries.size() + " streaming quer" + (queries.size() == 1 ? "y" : "ies"));
        if (reader.present()) {
            int at = reader.snapshot().isPresent() ? indexOf(ancestry, reader.snapshot().getAsLong()) : -1;
            if (at < 0) {
                return new ExpiryPlan(List.of(), 0, "every snapshot kept: the windows query's resume point "
                        + (reader.snapshot().isPresent() ? "(snapshot " + reader.snapshot().getAsLong() + ") is not in"
                        + " the current ancestry" : "is not known yet (no committed batch)"));
            }
            deepest = Math.max(deepest, at);
            reasons.add("the windows query's resume snapshot " + reader.snapshot().getAsLong());
        }
        Set<Long> keep = new LinkedHashSet<>();
        for (int i = 0; i <= deepest; i++) {
            keep.add(ancestry.get(i).snapshotId());
        }
        // A snapshot a tag or another branch names cannot be expired (Iceberg refuses): the job makes none.
        table.refs().values().stream().map(SnapshotRef::snapshotId).forEach(keep::add);
        List<Long> expire = new ArrayList<>();
        int keptPast = 0;
        for (Snapshot s : table.snapshots()) {
            boolean old = s.timestampMillis() < olderThanMillis;
            if (old && !keep.contains(s.snapshotId())) {
                expire.add(s.snapshotId());
            } else if (old) {
                keptPast++;
            }
        }
        return new ExpiryPlan(List.copyOf(expire), keptPast, "the current snapshot down to "
                + String.join(" and ", reasons));
    }

    private static int indexOf(List<Snapshot> ancestry, long id) {
        for (int i = 0; i < ancestry.size(); i++) {
            if (ancestry.get(i).snapshotId() == id) {
                return i;
            }
        }
        return -1;
    }
}
