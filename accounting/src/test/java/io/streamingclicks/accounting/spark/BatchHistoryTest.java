package io.streamingclicks.accounting.spark;

import static io.streamingclicks.accounting.spark.SparkLogFiles.commit;
import static io.streamingclicks.accounting.spark.SparkLogFiles.fileOffsets;
import static io.streamingclicks.accounting.spark.SparkLogFiles.kafkaOffsets;
import static io.streamingclicks.accounting.spark.SparkLogFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history of committed batches under a checkpoint: appended from {@code offsets/} once {@code commits/N} exists,
 * once per batch whatever is replayed, a torn last line skipped and cut off, and merged under the live files so that
 * batches Spark purged still answer link 3.
 */
class BatchHistoryTest {

    static final long W1 = Instant.parse("2026-11-21T22:51:00Z").toEpochMilli();
    static final long W2 = Instant.parse("2026-11-21T22:52:00Z").toEpochMilli();
    static final long W3 = Instant.parse("2026-11-21T22:53:00Z").toEpochMilli();

    @TempDir
    Path chk;

    @Test
    void recordsOnlyCommittedBatchesInOrderWithoutSparksConf() throws Exception {
        kafkaOffsets(chk, 0, 0, 5, 7);
        kafkaOffsets(chk, 1, W1, 9, 12);
        kafkaOffsets(chk, 2, W2, 15, 20);
        commit(chk, 0);
        commit(chk, 1);

        assertThat(BatchHistory.of(chk).catchUp()).isEqualTo(2);

        List<String> lines = Files.readAllLines(chk.resolve("history/0.jsonl"));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith("{\"batchId\":1,\"offsets\":[\"v1\",").doesNotContain("conf")
                .contains("\\\"batchWatermarkMs\\\":" + W1);
        Map<Long, BatchOffsets> history = BatchHistory.read(chk);
        assertThat(history.values()).extracting(BatchOffsets::batchId).containsExactly(0L, 1L);
        assertThat(history.get(1L)).isEqualTo(new BatchOffsets(1, W1, Map.of(0, 9L, 1, 12L), true));
    }

    @Test
    void aReplayedBatchOrARestartedWriterRecordsEachBatchOnce() throws Exception {
        fileOffsets(chk, 0, 3);
        fileOffsets(chk, 1, 4);
        commit(chk, 0);
        BatchHistory writer = BatchHistory.of(chk);
        assertThat(writer.catchUp()).isEqualTo(1);
        // Batch 1 runs again after a crash: it has no commit yet, then gets one.
        assertThat(writer.catchUp()).isZero();
        assertThat(BatchHistory.of(chk).catchUp()).as("a new process on the same history").isZero();
        commit(chk, 1);
        assertThat(BatchHistory.of(chk).catchUp()).isEqualTo(1);
        assertThat(writer.catchUp()).isZero();

        assertThat(Files.readAllLines(chk.resolve("history/0.jsonl"))).hasSize(2);
        assertThat(BatchHistory.read(chk).values()).extracting(BatchOffsets::fileLogOffset).containsExactly(3L, 4L);
    }

    @Test
    void aTornLastLineIsSkippedByReadersAndCutOffByTheNextWriter() throws Exception {
        fileOffsets(chk, 0, 3);
        fileOffsets(chk, 1, 4);
        commit(chk, 0);
        BatchHistory.of(chk).catchUp();
        Path file = chk.resolve("history/0.jsonl");
        // A kill in the middle of appending batch 1.
        Files.writeString(file, "{\"batchId\":1,\"offsets\":[\"v1\",\"{\\\"batchW", StandardOpenOption.APPEND);

        assertThat(BatchHistory.read(chk)).containsOnlyKeys(0L);
        commit(chk, 1);
        assertThat(BatchHistory.of(chk).catchUp()).isEqualTo(1);
        assertThat(Files.readAllLines(file)).hasSize(2).allMatch(l -> l.endsWith("]}"));
        assertThat(BatchHistory.read(chk)).containsOnlyKeys(0L, 1L);
    }

    @Test
    void aTornLineBeforeTheLastIsAnErrorNamingTheFile() throws Exception {
        write(chk.resolve("history/0.jsonl"), "{\"batchId\":0,\"offs\n"
                + BatchHistory.line(1, List.of("v1", "{\"batchWatermarkMs\":0}", "{\"logOffset\":1}")) + "\n");
        assertThatThrownBy(() -> BatchHistory.read(chk)).hasMessageContaining("0.jsonl line 1");
    }

    @Test
    void aFileHoldsTenThousandBatches() throws Exception {
        fileOffsets(chk, 9_999, 1);
        fileOffsets(chk, 10_000, 2);
        commit(chk, 9_999);
        commit(chk, 10_000);
        BatchHistory.of(chk).catchUp();
        assertThat(Files.readString(chk.resolve("history/0.jsonl"), StandardCharsets.UTF_8))
                .startsWith("{\"batchId\":9999,");
        assertThat(Files.readString(chk.resolve("history/10000.jsonl"), StandardCharsets.UTF_8))
                .startsWith("{\"batchId\":10000,");
        assertThat(BatchHistory.read(chk)).containsOnlyKeys(9_999L, 10_000L);
    }

    /**
     * Spark purged batches 0-2 (minBatchesToRetain 3 after batch 5 was planned): the checkpoint read merges them back
     * from the history, the live files winning where both hold a batch, and the window ending at W1, first sealed by
     * batch 1, keeps its boundary. Read from the retained files alone, its boundary is the oldest retained batch.
     */
    @Test
    void theCheckpointReadsPurgedBatchesFromTheHistoryUnderTheLiveFiles() throws Exception {
        kafkaOffsets(chk, 0, 0, 5, 7);
        kafkaOffsets(chk, 1, W1, 9, 12);
        kafkaOffsets(chk, 2, W1, 15, 20);
        kafkaOffsets(chk, 3, W2, 18, 22);
        for (long b = 0; b <= 3; b++) {
            commit(chk, b);
        }
        BatchHistory writer = BatchHistory.of(chk);
        writer.catchUp();
        kafkaOffsets(chk, 4, W3, 19, 23);
        commit(chk, 4);
        kafkaOffsets(chk, 5, W3, 21, 25);
        for (long b = 0; b <= 2; b++) {
            Files.delete(chk.resolve("offsets/" + b));
            Files.delete(chk.resolve("commits/" + b));
        }
        // A history line that disagrees with the live offsets/3: not one the job writes, but the live file wins.
        Files.writeString(chk.resolve("history/0.jsonl"), Files.readString(chk.resolve("history/0.jsonl"))
                .replace("\"batchId\":3,", "\"batchId\":3,\"x\":0,").replace("22}", "99}"));

        CheckpointLog log = CheckpointLog.read(chk);
        assertThat(log.batches()).extracting(BatchOffsets::batchId).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(log.batches()).extracting(BatchOffsets::committed)
                .containsExactly(true, true, true, true, true, false);
        assertThat(log.batch(3).orElseThrow().endOffsets()).isEqualTo(Map.of(0, 18L, 1, 22L));
        assertThat(log.lateBoundaryBatch(Instant.ofEpochMilli(W1)).orElseThrow().batchId()).isEqualTo(1);
        assertThat(log.lateBoundary(Instant.ofEpochMilli(W1))).contains(Map.of(0, 9L, 1, 12L));
        assertThat(log.lateFilterWatermarkMs(3)).isEqualTo(W1);
        assertThat(log.lateBoundaryExact(Instant.ofEpochMilli(W1))).isTrue();

        CheckpointLog retained = CheckpointLog.readRetained(chk);
        assertThat(retained.batches()).extracting(BatchOffsets::batchId).containsExactly(3L, 4L, 5L);
        assertThat(retained.lateBoundaryBatch(Instant.ofEpochMilli(W1)).orElseThrow().batchId()).isEqualTo(3);
        assertThat(retained.lateBoundaryExact(Instant.ofEpochMilli(W1))).isFalse();
        assertThat(retained.lateBoundaryExact(Instant.ofEpochMilli(W3))).as("batch 3 is known").isTrue();

        // The writer goes on from batch 4; batch 5 is not committed.
        assertThat(writer.catchUp()).isEqualTo(1);
        assertThat(BatchHistory.read(chk)).containsOnlyKeys(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void aCheckpointWrittenBeforeTheHistoryStartsItsHistoryAtTheOldestRetainedBatch() throws Exception {
        kafkaOffsets(chk, 100, W1, 9, 12);
        kafkaOffsets(chk, 101, W2, 15, 20);
        commit(chk, 100);
        commit(chk, 101);
        assertThat(BatchHistory.of(chk).catchUp()).isEqualTo(2);
        CheckpointLog log = CheckpointLog.read(chk);
        assertThat(log.batches()).extracting(BatchOffsets::batchId).containsExactly(100L, 101L);
        assertThat(log.lateBoundaryExact(Instant.ofEpochMilli(W1))).isFalse();
        assertThat(log.lateBoundaryExact(Instant.ofEpochMilli(W2))).isTrue();
    }

    /**
     * A windows batch over the Iceberg events table is recorded with the ingest high-water of its offset, worked out
     * while its snapshots are there: a reader needs it once expiry removed them. None when it cannot be told.
     */
    @Test
    void anIcebergOffsetIsRecordedWithItsIngestHighWater() throws Exception {
        write(chk.resolve("offsets/0"), "v1\n{\"batchWatermarkMs\":0}\n"
                + "{\"version\":1,\"snapshot_id\":-1,\"position\":-1,\"scan_all_files\":false}");
        write(chk.resolve("offsets/1"), "v1\n{\"batchWatermarkMs\":" + W1 + "}\n"
                + "{\"version\":1,\"snapshot_id\":77,\"position\":1,\"scan_all_files\":false}");
        write(chk.resolve("offsets/2"), "v1\n{\"batchWatermarkMs\":" + W2 + "}\n"
                + "{\"version\":1,\"snapshot_id\":78,\"position\":1,\"scan_all_files\":false}");
        for (long b = 0; b <= 2; b++) {
            commit(chk, b);
        }
        BatchHistory.of(chk, o -> o.isStart() ? java.util.OptionalLong.of(-1)
                : o.snapshotId() == 77 ? java.util.OptionalLong.of(4) : java.util.OptionalLong.empty()).catchUp();

        assertThat(BatchHistory.ingestHighWaters(chk)).isEqualTo(Map.of(0L, -1L, 1L, 4L));
        assertThat(BatchHistory.read(chk).get(1L).tableOffset().snapshotId()).isEqualTo(77);
        assertThat(BatchHistory.read(chk)).containsOnlyKeys(0L, 1L, 2L);
    }
}
