package io.streamingclicks.accounting.spark;

import static io.streamingclicks.accounting.spark.SparkLogFiles.commit;
import static io.streamingclicks.accounting.spark.SparkLogFiles.fileOffsets;
import static io.streamingclicks.accounting.spark.SparkLogFiles.kafkaOffsets;
import static io.streamingclicks.accounting.spark.SparkLogFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A query's offsets and commits logs as Spark 3.5 writes them, and the j-1 late-filter rule read from them. */
class CheckpointLogTest {

    static final long W1 = Instant.parse("2026-11-21T22:51:00Z").toEpochMilli();
    static final long W2 = Instant.parse("2026-11-21T22:52:00Z").toEpochMilli();

    @TempDir
    Path chk;

    @Test
    void batchesInOrderWithTheirWatermarkEndOffsetsAndCommit() throws Exception {
        kafkaOffsets(chk, 0, 0, 5, 7);
        kafkaOffsets(chk, 1, W1, 9, 12);
        kafkaOffsets(chk, 2, W2, 15, 20);
        commit(chk, 0);
        commit(chk, 1);
        write(chk.resolve("offsets/.3.7d1c.tmp"), "v1\n");

        CheckpointLog log = CheckpointLog.read(chk);
        assertThat(log.batches()).extracting(BatchOffsets::batchId).containsExactly(0L, 1L, 2L);
        assertThat(log.batch(1).orElseThrow().endOffsets()).isEqualTo(Map.of(0, 9L, 1, 12L));
        assertThat(log.batch(1).orElseThrow().endOffsetSum()).isEqualTo(21);
        assertThat(log.batches()).extracting(BatchOffsets::committed).containsExactly(true, true, false);
        assertThat(log.committedWatermark()).isEqualTo(W1);
        assertThat(log.lastCommitted().orElseThrow().batchId()).isEqualTo(1);
        assertThat(log.last().orElseThrow().batchId()).isEqualTo(2);
        assertThat(log.allCommitted()).isFalse();
        commit(chk, 2);
        assertThat(CheckpointLog.read(chk).allCommitted()).isTrue();
    }

    @Test
    void batchJFiltersLateRowsWithTheWatermarkOfBatchJMinusOne() throws Exception {
        kafkaOffsets(chk, 0, 0, 5, 7);
        kafkaOffsets(chk, 1, W1, 9, 12);
        kafkaOffsets(chk, 2, W2, 15, 20);
        kafkaOffsets(chk, 3, W2, 18, 22);
        CheckpointLog log = CheckpointLog.read(chk);
        assertThat(log.lateFilterWatermarkMs(0)).isEqualTo(Long.MIN_VALUE);
        assertThat(log.lateFilterWatermarkMs(2)).isEqualTo(W1);
        // Window ending at W1: batch 1's own watermark is W1, but batch 2 is the first to filter with it, so the
        // window's events are counted below batch 2's start offsets (batch 1's end offsets).
        assertThat(log.lateBoundary(Instant.ofEpochMilli(W1))).contains(Map.of(0, 9L, 1, 12L));
        assertThat(log.lateBoundary(Instant.ofEpochMilli(W2))).contains(Map.of(0, 15L, 1, 20L));
        assertThat(log.lateBoundary(Instant.ofEpochMilli(W2 + 60_000))).isEmpty();
    }

    @Test
    void theLastPlannedBatchIsTheBoundaryOnceItsWatermarkReachesTheWindowTheNextBatchWillFilter() throws Exception {
        kafkaOffsets(chk, 0, 0, 5, 7);
        kafkaOffsets(chk, 1, W1, 9, 12);
        commit(chk, 0);
        commit(chk, 1);
        // No batch 2 yet: whenever it runs it filters with batch 1's watermark, so rows of the window ending at W1
        // past batch 1's end offsets are dropped.
        CheckpointLog log = CheckpointLog.read(chk);
        assertThat(log.lateBoundaryBatch(Instant.ofEpochMilli(W1)).orElseThrow().batchId()).isEqualTo(1);
        assertThat(log.lateBoundary(Instant.ofEpochMilli(W1))).contains(Map.of(0, 9L, 1, 12L));
        assertThat(log.lateBoundary(Instant.ofEpochMilli(W1 + 1))).isEmpty();
    }

    @Test
    void batchesPurgedByRetentionAreNotThereAndDoNotBreakTheRule() throws Exception {
        kafkaOffsets(chk, 100, W1, 9, 12);
        kafkaOffsets(chk, 101, W2, 15, 20);
        commit(chk, 100);
        CheckpointLog log = CheckpointLog.read(chk);
        assertThat(log.batches()).hasSize(2);
        assertThat(log.lateFilterWatermarkMs(100)).isEqualTo(Long.MIN_VALUE);
        assertThat(log.lateBoundary(Instant.ofEpochMilli(W1))).contains(Map.of(0, 9L, 1, 12L));
    }

    @Test
    void aFileSourceBatchHasALogOffsetAndNoPartitions() throws Exception {
        fileOffsets(chk, 0, 3);
        commit(chk, 0);
        BatchOffsets b = CheckpointLog.read(chk).batches().get(0);
        assertThat(b.fileLogOffset()).isEqualTo(3);
        assertThat(b.endOffsets()).isEmpty();
    }

    /**
     * The windows query of the Iceberg format reads Iceberg's streaming source: line 3 is its StreamingOffset, whose
     * numbers are not Kafka partitions. The first batch over a table without a snapshot names START_OFFSET (-1).
     */
    @Test
    void anIcebergBatchHasATableOffsetAndNeitherPartitionsNorALogOffset() throws Exception {
        write(chk.resolve("offsets/0"), "v1\n{\"batchWatermarkMs\":0}\n"
                + "{\"version\":1,\"snapshot_id\":-1,\"position\":-1,\"scan_all_files\":false}");
        write(chk.resolve("offsets/1"), "v1\n{\"batchWatermarkMs\":" + W1 + "}\n"
                + "{\"version\":1,\"snapshot_id\":8123456789012345678,\"position\":2,\"scan_all_files\":false}");
        commit(chk, 0);
        List<BatchOffsets> batches = CheckpointLog.read(chk).batches();
        assertThat(batches.get(0).tableOffset()).isEqualTo(
                new io.streamingclicks.accounting.iceberg.StreamingOffset(-1, -1, false));
        assertThat(batches.get(0).tableOffset().isStart()).isTrue();
        BatchOffsets b = batches.get(1);
        assertThat(b.tableOffset().snapshotId()).isEqualTo(8123456789012345678L);
        assertThat(b.tableOffset().position()).isEqualTo(2);
        assertThat(b.endOffsets()).as("not Kafka offsets").isEmpty();
        assertThat(b.fileLogOffset()).isNull();
        assertThat(b.watermarkMs()).isEqualTo(W1);
    }

    @Test
    void noCheckpointIsNoBatchAndABrokenOffsetsFileIsAnErrorNamingIt() throws Exception {
        CheckpointLog none = CheckpointLog.read(chk.resolve("absent"));
        assertThat(none.batches()).isEmpty();
        assertThat(none.committedWatermark()).isNull();
        assertThat(none.lateBoundary(Instant.EPOCH)).isEmpty();
        Files.createDirectories(chk.resolve("offsets"));
        write(chk.resolve("offsets/0"), "v1\n{\"batchWatermarkMs\":");
        assertThatThrownBy(() -> CheckpointLog.read(chk)).hasMessageContaining("offsets/0");
    }
}
