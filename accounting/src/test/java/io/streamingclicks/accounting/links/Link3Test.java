package io.streamingclicks.accounting.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.streamingclicks.accounting.links.Link3.Event;
import io.streamingclicks.accounting.spark.CheckpointLog;
import io.streamingclicks.accounting.spark.FileSourceLog;

/**
 * Link 3 on a windows checkpoint written as Spark 3.5 writes it (a file source over the events parquet files): the
 * window's split is at batch j-1's logOffset, not batch j's, and an events file the source log does not list was
 * not counted.
 */
class Link3Test {

    static final Instant W0 = Instant.parse("2026-11-21T22:50:00Z");
    static final Duration MINUTE = Duration.ofMinutes(1);

    @TempDir
    Path chk;

    void offsets(long batch, Instant watermark, long logOffset) throws IOException {
        Path f = chk.resolve("offsets/" + batch);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "v1\n{\"batchWatermarkMs\":" + watermark.toEpochMilli() + "}\n{\"logOffset\":" + logOffset
                + "}");
    }

    /** Log batch {@code batch} of chk/windows/sources/0, listing events files as Spark's file source logs them. */
    void sourceLog(long batch, String... files) throws IOException {
        StringBuilder sb = new StringBuilder("v1");
        for (String f : files) {
            sb.append("\n{\"path\":\"file:///data/parquet/events/date=2026-11-21/hour=22/").append(f)
                    .append("\",\"timestamp\":1,\"batchId\":").append(batch).append('}');
        }
        Path p = chk.resolve("sources/0/" + batch);
        Files.createDirectories(p.getParent());
        Files.writeString(p, sb.toString());
    }

    @Test
    void eventsInFilesListedUpToTheLogOffsetOfBatchJMinusOneAreCountedTheRestDropped() throws Exception {
        sourceLog(0, "a.parquet");
        sourceLog(1, "b.parquet");
        sourceLog(2, "c.parquet");
        sourceLog(3, "d%20e.parquet"); // a name with a space, escaped in the log's URI
        offsets(0, Instant.EPOCH, 0);
        offsets(1, W0.plus(MINUTE), 1); // seals window W0 with its own watermark ...
        offsets(2, W0.plus(MINUTE), 3); // ... but only batch 2 filters with it: files of log batches > 1 drop
        CheckpointLog log = CheckpointLog.read(chk);
        Map<String, Long> source = FileSourceLog.read(chk);
        List<Event> events = List.of(new Event("a.parquet", W0), new Event("a.parquet", W0),
                new Event("b.parquet", W0), new Event("c.parquet", W0), new Event("d e.parquet", W0),
                new Event("never-read.parquet", W0), new Event("c.parquet", W0.plus(MINUTE)));
        Link3 l = Link3.of(log, source, MINUTE, events);
        Link3.Window w0 = l.windows().get(W0);
        assertThat(w0.counted()).as("a twice and b: log batches 0 and 1").isEqualTo(3);
        assertThat(w0.droppedLate()).as("c and 'd e' (log batches 2, 3), and a file the log never listed")
                .isEqualTo(3);
        assertThat(w0.boundary()).contains(1L);
        assertThat(l.counted(W0.plus(MINUTE))).as("no batch filters the newest window").isEqualTo(1);
        assertThat(l.windows().get(W0.plus(MINUTE)).boundary()).isEmpty();
        assertThat(l.counted(W0.minus(MINUTE))).isZero();
    }

    @Test
    void oneFileCountsIffItsLogBatchIsAtMostTheLogOffsetOfBatchJMinusOne() throws Exception {
        offsets(0, Instant.EPOCH, 0);
        offsets(1, W0.plus(MINUTE), 2);
        offsets(2, W0.plus(MINUTE), 4);
        CheckpointLog log = CheckpointLog.read(chk);
        assertThat(log.lateBoundaryBatch(W0.plus(MINUTE)).orElseThrow().batchId()).isEqualTo(1);
        assertThat(Link3.countedFromFile(log, W0.plus(MINUTE), 2)).isTrue();
        assertThat(Link3.countedFromFile(log, W0.plus(MINUTE), 3)).isFalse();
        assertThat(Link3.countedFromFile(log, W0.plus(MINUTE).plus(MINUTE), 4))
                .as("no batch filters the newest window").isTrue();
    }

    @Test
    void theIngestQuerysKafkaCheckpointIsNotTheWindowsQuerysAndSaysSo() throws Exception {
        Path f = chk.resolve("offsets/0");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "v1\n{\"batchWatermarkMs\":" + W0.plus(MINUTE).toEpochMilli()
                + "}\n{\"clickstream_events\":{\"0\":4}}");
        assertThatThrownBy(() -> Link3.countedFromFile(CheckpointLog.read(chk), W0.plus(MINUTE), 0))
                .hasMessageContaining("Kafka offsets").hasMessageContaining("chk/windows");
    }

    /**
     * The Iceberg format: batch j-1's offset names a snapshot; the events it counted are those of the ingest batches
     * up to that snapshot's high-water (a compaction's REPLACE walked past), whatever data file holds them now.
     */
    @Test
    void onTheIcebergFormatEventsOfIngestBatchesUpToTheHighWaterOfBatchJMinusOneAreCounted() throws Exception {
        String ingest = "q-ingest";
        List<io.streamingclicks.accounting.iceberg.TableSnapshot> snapshots = List.of(
                io.streamingclicks.accounting.iceberg.IngestHighWaterTest.append(1, null, ingest, 0),
                io.streamingclicks.accounting.iceberg.IngestHighWaterTest.append(2, 1L, ingest, 1),
                io.streamingclicks.accounting.iceberg.IngestHighWaterTest.replace(3, 2),
                io.streamingclicks.accounting.iceberg.IngestHighWaterTest.append(4, 3L, ingest, 3));
        tableOffsets(0, Instant.EPOCH, -1); // the table had no snapshot yet
        tableOffsets(1, W0.plus(MINUTE), 3); // the REPLACE: read up to ingest batch 1; seals W0 ...
        tableOffsets(2, W0.plus(MINUTE), 4); // ... and batch 2 filters W0 while reading ingest batch 3
        CheckpointLog log = CheckpointLog.read(chk);
        var hw = new io.streamingclicks.accounting.iceberg.IngestHighWater(snapshots, ingest);
        List<Link3.TableEvent> events = List.of(new Link3.TableEvent(0L, W0), new Link3.TableEvent(1L, W0),
                new Link3.TableEvent(3L, W0), new Link3.TableEvent(null, W0), new Link3.TableEvent(3L,
                        W0.plus(MINUTE)));
        Link3 l = Link3.ofTable(log, hw, MINUTE, events);
        assertThat(l.windows().get(W0).counted()).as("ingest batches 0 and 1").isEqualTo(2);
        assertThat(l.windows().get(W0).droppedLate()).as("batch 3, and a row no ingest batch read").isEqualTo(2);
        assertThat(l.windows().get(W0).boundary()).contains(1L);
        assertThat(l.counted(W0.plus(MINUTE))).isEqualTo(1);
        assertThat(Link3.countedFromIngestBatch(log, hw, W0.plus(MINUTE), 1)).isTrue();
        assertThat(Link3.countedFromIngestBatch(log, hw, W0.plus(MINUTE), 2)).isFalse();

        var expired = new io.streamingclicks.accounting.iceberg.IngestHighWater(snapshots.subList(2, 4), ingest);
        assertThatThrownBy(() -> Link3.ofTable(log, expired, MINUTE, events))
                .hasMessageContaining("snapshot 3").hasMessageContaining("expired");
    }

    void tableOffsets(long batch, Instant watermark, long snapshotId) throws IOException {
        Path f = chk.resolve("offsets/" + batch);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "v1\n{\"batchWatermarkMs\":" + watermark.toEpochMilli() + "}\n{\"version\":1,"
                + "\"snapshot_id\":" + snapshotId + ",\"position\":" + (snapshotId == -1 ? -1 : 2)
                + ",\"scan_all_files\":false}");
    }
}
