package io.streamingclicks.job.support;

import io.streamingclicks.job.accounting.OffsetLog;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads a Kafka query's checkpoint for the tests' waits: how far it has committed, whether a batch is in flight. */
public final class Checkpoints {

    private Checkpoints() {
    }

    /** Records (over all partitions) up to the end of the query's last committed batch; 0 before its first. */
    public static long committedRecords(Path checkpoint) {
        OffsetLog log = OffsetLog.read(checkpoint);
        return log.committed().stream().max(Long::compare)
                .map(id -> log.batches().get(id).endOffsets().values().stream().mapToLong(Long::longValue).sum())
                .orElse(0L);
    }

    /**
     * The query has a batch planned ({@code offsets/N}) but not committed ({@code commits/N}), and its output holds a
     * Parquet file no {@code _spark_metadata} entry names: a SIGKILL now leaves an orphan of a killed batch.
     */
    public static boolean batchInFlightWithOrphan(Path checkpoint, Path output) {
        OffsetLog log;
        try {
            log = OffsetLog.read(checkpoint);
        } catch (RuntimeException partlyWritten) {
            return false;
        }
        if (log.batches().isEmpty() || log.committed().contains(log.batches().lastKey())) {
            return false;
        }
        try {
            return !Committed.orphans(output).isEmpty();
        } catch (RuntimeException partlyWritten) {
            return false;
        }
    }

    /** What SIGTERM promises: every batch each query planned ({@code offsets/N}) is committed ({@code commits/N}). */
    public static void assertEveryPlannedBatchCommitted(Path root, List<String> queries) {
        for (String query : queries) {
            OffsetLog log = OffsetLog.read(root.resolve("chk").resolve(query));
            assertThat(log.committed()).as("chk/%s commits", query).containsAll(log.batches().keySet());
        }
    }
}
