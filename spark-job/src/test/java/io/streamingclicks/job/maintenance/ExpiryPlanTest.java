package io.streamingclicks.job.maintenance;

import io.streamingclicks.job.sink.SnapshotBatches;
import io.streamingclicks.job.support.QueryCommits;
import org.apache.iceberg.ExpireSnapshots;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which snapshots expiry removes, on real commits of Iceberg's in-memory catalog, and that Iceberg's expiry with
 * {@code expireOlderThan(0)} removes exactly those.
 */
class ExpiryPlanTest {

    /** Every snapshot is past the retention. */
    private static final long ALL_OLD = Long.MAX_VALUE;

    private QueryCommits commits;
    private Table table;

    @BeforeEach
    void table() {
        commits = new QueryCommits("events");
        table = commits.table();
    }

    @Test
    void keepsTheCurrentSnapshotDownToTheNewestOfEachQueryAndExpiresTheRest() {
        long q1b1 = append("q1", 1);
        long q1b2 = append("q1", 2);
        long q2b1 = append("q2", 1);
        long q1b3 = append("q1", 3);
        long rewrite = append(null, -1); // compaction's commit: no query id

        ExpiryPlan plan = ExpiryPlan.of(table, ALL_OLD, ExpiryPlan.NO_READER);
        assertThat(plan.expire()).containsExactlyInAnyOrder(q1b1, q1b2);
        assertThat(plan.keptPastRetention()).isEqualTo(3);

        expire(plan);
        assertThat(ids()).containsExactlyInAnyOrder(q2b1, q1b3, rewrite);
        // The writer's replay check still finds each query's newest batch.
        assertThat(SnapshotBatches.lastBatch(table, "q1")).isEqualTo(OptionalLong.of(3));
        assertThat(SnapshotBatches.lastBatch(table, "q2")).isEqualTo(OptionalLong.of(1));
    }

    @Test
    void keepsTheChainDownToTheSnapshotAStreamingReaderResumesFrom() {
        long s1 = append("q1", 1);
        long s2 = append("q1", 2);
        long s3 = append("q1", 3);
        append("q1", 4);

        assertThat(ExpiryPlan.of(table, ALL_OLD, ExpiryPlan.Reader.at(OptionalLong.of(s2))).expire())
                .containsExactly(s1);
        assertThat(ExpiryPlan.of(table, ALL_OLD, ExpiryPlan.NO_READER).expire())
                .containsExactlyInAnyOrder(s1, s2, s3);
    }

    @Test
    void aReaderWithoutAKnownPositionOrOffTheAncestryKeepsEverything() {
        long s1 = append("q1", 1);
        append("q1", 2);
        assertThat(ExpiryPlan.of(table, ALL_OLD, ExpiryPlan.Reader.at(OptionalLong.empty())).expire()).isEmpty();
        long rolledBack = append("q1", 3);
        table.manageSnapshots().rollbackTo(s1).commit();
        append("q1", 4);
        assertThat(ExpiryPlan.of(table, ALL_OLD, ExpiryPlan.Reader.at(OptionalLong.of(rolledBack))).expire())
                .isEmpty();
        // The offset of a table that had no snapshot yet names none.
        assertThat(ExpiryPlan.of(table, ALL_OLD, ExpiryPlan.Reader.at(OptionalLong.of(-1))).expire()).isEmpty();
    }

    @Test
    void nothingYoungerThanTheRetentionIsExpired() {
        append("q1", 1);
        append("q1", 2);
        ExpiryPlan plan = ExpiryPlan.of(table, 0, ExpiryPlan.NO_READER);
        assertThat(plan.expire()).isEmpty();
        assertThat(plan.keptPastRetention()).isZero();
    }

    @Test
    void aSnapshotOffTheAncestryIsExpiredWhenOld() {
        long s1 = append("q1", 1);
        long rolledBack = append("q1", 2);
        table.manageSnapshots().rollbackTo(s1).commit();
        long s3 = append("q1", 3);
        assertThat(ExpiryPlan.of(table, ALL_OLD, ExpiryPlan.NO_READER).expire()).containsExactlyInAnyOrder(s1, rolledBack);
        assertThat(table.currentSnapshot().snapshotId()).isEqualTo(s3);
    }

    private void expire(ExpiryPlan plan) {
        ExpireSnapshots expire = table.expireSnapshots().expireOlderThan(0L).cleanExpiredFiles(false);
        plan.expire().forEach(expire::expireSnapshotId);
        expire.commit();
    }

    private List<Long> ids() {
        List<Long> out = new ArrayList<>();
        for (Snapshot s : table.snapshots()) {
            out.add(s.snapshotId());
        }
        return out;
    }

    private long append(String queryId, long batch) {
        return commits.append(queryId, batch);
    }
}
