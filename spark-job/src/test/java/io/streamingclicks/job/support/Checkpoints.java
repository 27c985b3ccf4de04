package io.streamingclicks.job.support;

import io.streamingclicks.accounting.spark.BatchOffsets;
import io.streamingclicks.accounting.spark.CheckpointLog;
import io.streamingclicks.accounting.spark.CommittedOutput;
import io.streamingclicks.accounting.spark.FileSourceLog;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A query's checkpoint, read through accounting's {@link CheckpointLog}, for the tests' waits: how far it has
 * committed, whether a batch is in flight.
 */
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

    /**
     * The windows query of the data root {@code root} has committed a batch that read every events file committed so
     * far ({@code chk/windows/sources/0} up to its last committed batch holds every file events/_spark_metadata names).
     */
    public static boolean windowsCaughtUp(Path root) {
        List<String> files = CommittedOutput.read(root.resolve("parquet/events")).named().stream()
                .map(p -> p.getFileName().toString()).toList();
        return FileSourceLog.committed(root.resolve("chk/windows")).orElse(java.util.Set.of()).containsAll(files);
    }

    /** The id of the query's last planned batch ({@code offsets/N}, committed or not); -1 before its first. */
    public static long lastBatch(Path checkpoint) {
        return CheckpointLog.read(checkpoint).last().map(BatchOffsets::batchId).orElse(-1L);
    }

    /** The watermark of the query's last committed batch (Kafka or file source); 0 before its first. */
    public static long committedWatermarkMs(Path checkpoint) {
        Long w = CheckpointLog.read(checkpoint).committedWatermark();
        return w == null ? 0 : w;
    }

    /** What SIGTERM promises: every batch each query planned ({@code offsets/N}) is committed ({@code commits/N}). */
    public static void assertEveryPlannedBatchCommitted(Path root, List<String> queries) {
        for (String query : queries) {
            CheckpointLog log = CheckpointLog.read(root.resolve("chk").resolve(query));
            assertThat(log.batches()).as("chk/%s commits", query).allMatch(BatchOffsets::committed);
        }
    }

    /**
     * Spark's retention purged the query's first batches from {@code offsets/} during the run, and its
     * {@code history/} still holds them: the checkpoint reads every batch from 0 to the last, none missing.
     */
    public static void assertHistoryKeepsPurgedBatches(Path root, String query) {
        Path chk = root.resolve("chk").resolve(query);
        List<Long> retained = CheckpointLog.readRetained(chk).batches().stream().map(BatchOffsets::batchId).toList();
        List<Long> all = CheckpointLog.read(chk).batches().stream().map(BatchOffsets::batchId).toList();
        assertThat(retained).as("chk/%s/offsets after the run: Spark purged its first batches", query).isNotEmpty()
                .doesNotContain(0L);
        assertThat(all).as("chk/%s read with its history: every batch from 0", query)
                .isEqualTo(java.util.stream.LongStream.rangeClosed(0, all.get(all.size() - 1)).boxed().toList());
    }
}
