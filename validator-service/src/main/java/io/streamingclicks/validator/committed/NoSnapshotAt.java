package io.streamingclicks.validator.committed;

import java.time.Instant;

/**
 * A table had no readable snapshot at an instant: it had none yet ({@link Reason#NONE_YET}), or the one it had then
 * was expired since ({@link Reason#EXPIRED}). Names the oldest snapshot still readable, when there is one, so that a
 * caller can say how far back the table can be read.
 */
public final class NoSnapshotAt extends Exception {

    public enum Reason { NONE_YET, EXPIRED }

    private final String table;
    private final Instant asOf;
    private final Reason reason;
    private final Long oldestId;
    private final Instant oldestAt;

    NoSnapshotAt(String table, Instant asOf, Reason reason, Long oldestId, Instant oldestAt, String message) {
        super(message);
        this.table = table;
        this.asOf = asOf;
        this.reason = reason;
        this.oldestId = oldestId;
        this.oldestAt = oldestAt;
    }

    public String table() {
        return table;
    }

    public Instant asOf() {
        return asOf;
    }

    public Reason reason() {
        return reason;
    }

    /** The oldest snapshot still readable; null when the table has none. */
    public Long oldestId() {
        return oldestId;
    }

    public Instant oldestAt() {
        return oldestAt;
    }
}
