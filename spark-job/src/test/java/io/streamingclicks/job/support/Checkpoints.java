package io.streamingclicks.job.support;

import io.streamingclicks.accounting.spark.BatchOffsets;
import io.streamingclicks.accounting.spark.CheckpointLog;

import java.nio.file.Path;

/** Reads a Kafka query's checkpoint for the tests' waits: how far it has committed, whether a batch is in flight. */
public final class Checkpoints {

    private Checkpoints() {
    }

    /** Records (over all partitions) up to the end of the query's last committed batch; 0 before its first. */
    public static long committedRecords(Path checkpoint) {
        return CheckpointLog.read(checkpoint).lastCommitted().map(BatchOffsets::endOffsetSum).orElse(0L);
    }

    /**
     * The query has a batch planned ({@code offsets/N}) but not committed ({@code commits/N}), and its output holds a
     * Parquet file no {@code _spark_metadata} entry names: a SIGKILL now leaves an orphan of a killed batch.
     */
    public static boolean batchInFlightWithOrphan(Path checkpoint, Path output) {
        CheckpointLog log;
        try {
            log = CheckpointLog.read(checkpoint);
        } catch (RuntimeException partlyWritten) {
            return false;
        }
        if (log.last().map(BatchOffsets::committed).orElse(true)) {
            return false;
        }
        try {
            return !Committed.orphans(output).isEmpty();
        } catch (RuntimeException partlyWritten) {
            return false;
        }
    }
}
