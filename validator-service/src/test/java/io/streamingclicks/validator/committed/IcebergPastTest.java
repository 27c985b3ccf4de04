package io.streamingclicks.validator.committed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.contract.Warehouse;
import io.streamingclicks.validator.fixture.PvCommits;
import io.streamingclicks.validator.fixture.TestWarehouse;

/**
 * {@link IcebergFiles#past}: the snapshot current at an instant, or why there is none (no snapshot yet, or expired),
 * told apart after {@code ExpireSnapshots} has cut the snapshot log.
 */
class IcebergPastTest {

    static final Instant W1 = Instant.parse("2026-11-21T22:40:00Z");
    static final Instant W2 = Instant.parse("2026-11-21T23:05:00Z");

    @TempDir
    Path root;

    IcebergFiles tables() {
        return new IcebergFiles(new IcebergTables(root.resolve(Warehouse.DIR)));
    }

    @Test
    void eachInstantReadsTheSnapshotCurrentThenAndSaysWhyWhenThereIsNone() throws Exception {
        NoSnapshotAt noTable = catchThrowableOfType(NoSnapshotAt.class, () -> tables().past(Sink.PV, W1));
        assertThat(noTable.reason()).isEqualTo(NoSnapshotAt.Reason.NONE_YET);
        assertThat(noTable.getMessage()).contains("clicks.pv does not exist yet");
        try (TestWarehouse w = new TestWarehouse(root)) {
            w.create(Sink.PV);
        }
        Instant created = Instant.now();
        Thread.sleep(5);
        long first = PvCommits.appendWindow(root, W1, Map.of("/a", 2L));
        Instant between = Instant.now();
        Thread.sleep(5);
        long second = PvCommits.appendWindow(root, W2, Map.of("/b", 3L));

        SinkFiles then = tables().past(Sink.PV, between);
        assertThat(then.snapshotId()).isEqualTo(first);
        assertThat(then.committedAt()).isBeforeOrEqualTo(between);
        assertThat(then.files()).hasSize(1);
        assertThat(then.partitionOf(then.files().get(0))).isEqualTo("date=2026-11-21/hour=22");
        SinkFiles now = tables().past(Sink.PV, Instant.now());
        assertThat(now.snapshotId()).isEqualTo(second);
        assertThat(now.files()).hasSize(2);

        NoSnapshotAt before = catchThrowableOfType(NoSnapshotAt.class, () -> tables().past(Sink.PV, created));
        assertThat(before.reason()).isEqualTo(NoSnapshotAt.Reason.NONE_YET);
        assertThat(before.oldestId()).isEqualTo(first);
        assertThat(before.getMessage()).contains("had no snapshot at or before " + created,
                "its first snapshot is " + first);

        PvCommits.expire(root, first);
        NoSnapshotAt expired = catchThrowableOfType(NoSnapshotAt.class, () -> tables().past(Sink.PV, between));
        assertThat(expired.reason()).isEqualTo(NoSnapshotAt.Reason.EXPIRED);
        assertThat(expired.oldestId()).isEqualTo(second);
        assertThat(expired.getMessage()).contains("has been expired",
                "the oldest snapshot still readable is " + second);
        // After expiry an instant before the table's creation cannot be told from one whose snapshot was expired:
        // the history that would tell is gone, and the answer says what can still be read.
        assertThat(catchThrowableOfType(NoSnapshotAt.class, () -> tables().past(Sink.PV, created)).reason())
                .isEqualTo(NoSnapshotAt.Reason.EXPIRED);
        assertThat(tables().past(Sink.PV, Instant.now()).snapshotId()).isEqualTo(second);
    }
}
