package io.streamingclicks.accounting.spark;

import static io.streamingclicks.accounting.spark.SparkLogFiles.commit;
import static io.streamingclicks.accounting.spark.SparkLogFiles.fileOffsets;
import static io.streamingclicks.accounting.spark.SparkLogFiles.kafkaOffsets;
import static io.streamingclicks.accounting.spark.SparkLogFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file source's log as Spark leaves it (ported from the validator's FileSourceLogTest and the producer's
 * landing-retention test): {@code 9.compact} holding log batches 0..9, a leftover older delta, later deltas,
 * {@code .N.crc} files, an escaped path, a torn last line.
 */
class FileSourceLogTest {

    @TempDir
    Path chk;

    static String entry(String name, long batch) {
        return "{\"path\":\"file:///somewhere/else/landing/" + name + "\",\"timestamp\":1795314046642,\"batchId\":"
                + batch + "}";
    }

    Path log(String query) {
        return chk.resolve(query).resolve("sources/0");
    }

    @Test
    void aCompactedLogWithLaterDeltasNamesEveryFileWithItsBatch() throws Exception {
        Path log = log("events");
        StringBuilder compact = new StringBuilder("v1");
        Map<String, Long> expected = new TreeMap<>();
        for (int b = 0; b <= 9; b++) {
            compact.append('\n').append(entry("clicks-" + b + ".jsonl", b));
            expected.put("clicks-" + b + ".jsonl", (long) b);
        }
        write(log.resolve("9.compact"), compact.toString());
        write(log.resolve("8"), "v1\n" + entry("clicks-8.jsonl", 8) + "\n" + entry("gone-before-compaction", 8));
        write(log.resolve("10"), "v1\n" + entry("clicks-10a.jsonl", 10) + "\n" + entry("clicks-10b.jsonl", 10));
        write(log.resolve("11"), "v1\n" + entry("clicks%20eleven.jsonl", 11));
        Files.write(log.resolve(".11.crc"), new byte[] {(byte) 0xff, 0x00, (byte) 0xfe});
        expected.put("clicks-10a.jsonl", 10L);
        expected.put("clicks-10b.jsonl", 10L);
        expected.put("clicks eleven.jsonl", 11L);

        assertThat(FileSourceLog.read(chk.resolve("events"))).isEqualTo(expected);
    }

    @Test
    void aKafkaSourcesFileNamesNothingAndATornLastLineIsSkipped() throws Exception {
        Path log = log("uv");
        write(log.resolve("0"), "\u0000v1\n{\"clickstream_events\":{\"2\":0,\"1\":0,\"0\":0}}");
        assertThat(FileSourceLog.read(chk.resolve("uv"))).isEmpty();
        assertThat(FileSourceLog.readLog(chk.resolve("uv"))).isEmpty();
        assertThat(FileSourceLog.readLog(chk.resolve("absent"))).isEmpty();

        Path events = log("events");
        write(events.resolve("0"), "v1\n" + entry("a.jsonl", 0) + "\n{\"path\":\"file:///x/landing/b.jso");
        assertThat(FileSourceLog.read(chk.resolve("events"))).containsExactly(Map.entry("a.jsonl", 0L));
        write(events.resolve("1"), "v1\n{\"path\":\"file:///x/la\n" + entry("c.jsonl", 1));
        assertThatThrownBy(() -> FileSourceLog.read(chk.resolve("events")))
                .hasMessageContaining("sources/0/1 line 2");
    }

    @Test
    void sparkPathUrisAreMatchedByTheirDecodedFileName() {
        assertThat(FileSourceLog.fileName("file:///data/landing/clicks-1-2-0.jsonl")).isEqualTo("clicks-1-2-0.jsonl");
        assertThat(FileSourceLog.fileName("file:///my%20data/landing/a%20b.jsonl")).isEqualTo("a b.jsonl");
        assertThat(FileSourceLog.fileName("a b%zz")).isEqualTo("a b%zz");
    }

    @Test
    void onlyFilesUpToTheLastCommittedLogOffsetOfTheIngestQueryCountAsRead() throws Exception {
        // ingest: log batches 0..9 compacted (files f0, f1), 10 a delta (f2), 11 planned by an uncommitted batch (f3).
        // Query batches and log batches differ: ingest ran no-data batches, so its batch 12 read up to log batch 10.
        write(log("ingest").resolve("9.compact"), "v1\n" + entry("f0", 3) + "\n" + entry("f1", 9));
        write(log("ingest").resolve("10"), "v1\n" + entry("f2", 10));
        write(log("ingest").resolve("11"), "v1\n" + entry("f3", 11));
        fileOffsets(chk.resolve("ingest"), 11, 9);
        fileOffsets(chk.resolve("ingest"), 12, 10);
        fileOffsets(chk.resolve("ingest"), 13, 11);
        commit(chk.resolve("ingest"), 11);
        commit(chk.resolve("ingest"), 12);
        // windows is a file source too, but over the events parquet files: it has read none of the landing files,
        // and must not hold them back.
        write(log("windows").resolve("0"), "v1\n{\"path\":\"file:///d/parquet/events/date=2026-11-21/hour=22/"
                + "part-00000-a.c000.snappy.parquet\",\"timestamp\":1,\"batchId\":0}");
        fileOffsets(chk.resolve("windows"), 0, 0);
        commit(chk.resolve("windows"), 0);

        assertThat(FileSourceLog.committed(chk.resolve("ingest"))).contains(Set.of("f0", "f1", "f2"));
        assertThat(FileSourceLog.committed(chk.resolve("windows"))).contains(Set.of("part-00000-a.c000.snappy.parquet"));
        assertThat(FileSourceLog.committedByIngest(chk)).as("the landing files the ingest query committed, whatever"
                + " chk/windows read").contains(Set.of("f0", "f1", "f2"));
        commit(chk.resolve("ingest"), 13);
        assertThat(FileSourceLog.committedByIngest(chk).orElseThrow()).containsExactlyInAnyOrder("f0", "f1", "f2", "f3");
        assertThat(FileSourceLog.committedByIngest(chk.resolve("absent"))).isEmpty();
    }

    @Test
    void aKafkaIngestQueryHoldsNoLandingFile() throws Exception {
        write(log("ingest").resolve("0"), "\u0000v1\n{\"clickstream_events\":{\"0\":0}}");
        kafkaOffsets(chk.resolve("ingest"), 0, 0, 1, 1);
        commit(chk.resolve("ingest"), 0);
        assertThat(FileSourceLog.committed(chk.resolve("ingest"))).isEmpty();
        assertThat(FileSourceLog.committedByIngest(chk)).isEmpty();
    }
}
