package io.streamingclicks.validator.committed;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

import io.streamingclicks.accounting.iceberg.TableSnapshot;
import io.streamingclicks.contract.DataRoot.Sink;

/**
 * The Iceberg format: each sink's data files in its table's current snapshot, or in the snapshot that was current
 * at an instant ({@link #asOf}), or in a given snapshot ({@link #at}). A table not created yet, or without a
 * snapshot at that time, has no files; a table that cannot be read is a {@link SinkFiles#error} naming the table and
 * the file.
 */
public final class IcebergFiles implements CommittedFiles {

    private final IcebergTables tables;
    private final Instant asOf;

    public IcebergFiles(IcebergTables tables) {
        this(tables, null);
    }

    private IcebergFiles(IcebergTables tables, Instant asOf) {
        this.tables = tables;
        this.asOf = asOf;
    }

    /** The same tables as they were at {@code instant}: each one's snapshot current then. */
    public IcebergFiles asOf(Instant instant) {
        return new IcebergFiles(tables, instant);
    }

    @Override
    public SinkFiles read(Sink sink) {
        String name = IcebergTables.name(sink);
        try {
            Optional<Table> table = tables.load(sink);
            if (table.isEmpty()) {
                return empty("Iceberg table " + name + " (not created yet)");
            }
            Long id = asOf == null ? currentId(table.get())
                    : SnapshotUtil.nullableSnapshotIdAsOfTime(table.get(), asOf.toEpochMilli());
            if (id == null) {
                return empty("Iceberg table " + name + (asOf == null ? " (no snapshot yet)"
                        : " (no snapshot at or before " + asOf + ")"));
            }
            return IcebergPlan.plan(table.get(), name, id);
        } catch (TableReadException e) {
            return SinkFiles.unreadable("Iceberg table " + name, e.getMessage());
        } catch (RuntimeException e) {
            return SinkFiles.unreadable("Iceberg table " + name, "Iceberg table " + name + ": cannot be read: "
                    + IcebergTables.rootMessage(e));
        }
    }

    /**
     * The sink's data files in snapshot {@code snapshotId}.
     *
     * @throws TableReadException when the table or that snapshot cannot be read, or it is gone (expired)
     */
    public SinkFiles at(Sink sink, long snapshotId) throws TableReadException {
        Table table = tables.load(sink).orElseThrow(() -> new TableReadException("Iceberg table "
                + IcebergTables.name(sink) + " does not exist in " + tables.tableDir(sink).getParent()));
        return IcebergPlan.plan(table, IcebergTables.name(sink), snapshotId);
    }

    @Override
    public List<TableSnapshot> snapshots(Sink sink) throws TableReadException {
        Optional<Table> table = tables.load(sink);
        if (table.isEmpty()) {
            return List.of();
        }
        List<TableSnapshot> out = new ArrayList<>();
        for (Snapshot s : table.get().snapshots()) {
            out.add(new TableSnapshot(s.snapshotId(), s.parentId(), s.operation(),
                    s.summary() == null ? Map.of() : s.summary()));
        }
        return out;
    }

    /** Every table's metadata location: each commit writes a new one. */
    @Override
    public void fingerprint(List<String> out) {
        try {
            for (Map.Entry<String, String> e : tables.metadataLocations().entrySet()) {
                out.add(e.getKey() + "=" + e.getValue());
            }
        } catch (TableReadException e) {
            out.add("catalog unreadable: " + e.getMessage());
        }
    }

    private static Long currentId(Table table) {
        Snapshot s = table.currentSnapshot();
        return s == null ? null : s.snapshotId();
    }

    private static SinkFiles empty(String origin) {
        return new SinkFiles(List.of(), List.of(), Map.of(), origin, null, null);
    }
}
