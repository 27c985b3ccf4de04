package io.streamingclicks.producer.landing;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamingclicks.accounting.spark.FileSourceLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Landing retention on a real directory, against checkpoints laid out as Spark 3.5's file source writes them
 * ({@code chk/ingest/sources/0/<batch>} and {@code N.compact}, {@code chk/ingest/commits/<batch>}): a file goes only
 * once it is older than the retention, booked in the ledger, and read in a committed batch by the ingest query, the
 * only query that reads {@code landing/} ({@code chk/windows} is a file source over the events parquet files).
 */
class LandingRetentionTest {

    private static final String RUN = "1795300000000";
    private static final Instant NOW = Instant.parse("2026-11-22T03:00:00Z");
    private static final Duration RETENTION = Duration.ofHours(1);

    @TempDir
    Path root;
    private Path landing;
    private Path chk;

    @BeforeEach
    void files() throws IOException {
        landing = Files.createDirectories(root.resolve("landing"));
        chk = root.resolve("chk");
        // Files 0..3 are two hours old, file 4 a minute old.
        for (int seq = 0; seq <= 4; seq++) {
            Path f = Files.writeString(landing.resolve(name(seq)), "{}\n");
            Files.setLastModifiedTime(f, FileTime.from(NOW.minus(seq == 4 ? Duration.ofMinutes(1)
                    : Duration.ofHours(2))));
        }
    }

    private static String name(long seq) {
        return new LandingName(RUN, seq, 0).fileName();
    }

    private String entry(long seq, long batch) {
        return "{\"path\":\"" + landing.toUri() + name(seq) + "\",\"timestamp\":1795311377590,\"batchId\":" + batch + "}";
    }

    private void log(String query, String file, String... lines) throws IOException {
        Path dir = Files.createDirectories(chk.resolve(query).resolve("sources").resolve("0"));
        Files.writeString(dir.resolve(file), "v1\n" + String.join("\n", lines));
    }

    /** Batches 0..upTo planned ({@code offsets/N}, reading the source log up to its batch N) and committed. */
    private void commits(String query, int upTo) throws IOException {
        Path dir = Files.createDirectories(chk.resolve(query).resolve("commits"));
        Path offsets = Files.createDirectories(chk.resolve(query).resolve("offsets"));
        for (int b = 0; b <= upTo; b++) {
            Files.writeString(offsets.resolve(String.valueOf(b)), "v1\n{\"batchWatermarkMs\":0}\n{\"logOffset\":" + b
                    + "}");
            Files.writeString(dir.resolve(String.valueOf(b)), "v1\n{\"nextBatchWatermarkMs\":0}");
            Files.writeString(dir.resolve("." + b + ".crc"), "crc");
        }
    }

    private List<String> left() throws IOException {
        try (Stream<Path> s = Files.list(landing)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private List<String> prune(long bookedThrough) {
        return LandingRetention.prune(landing, chk, RETENTION, NOW, run -> RUN.equals(run) ? bookedThrough : -1);
    }

    @Test
    void onlyOldBookedFilesThatTheIngestQueryCommittedAreDeleted() throws IOException {
        // ingest: batches 0..9 compacted (files 0, 1), batch 10 a delta (file 2), 11 planned not committed (file 3).
        log("ingest", "9.compact", entry(0, 3), entry(1, 9));
        log("ingest", "8", entry(1, 8)); // an old delta the compaction superseded (Spark deletes these later)
        log("ingest", "10", entry(2, 10));
        log("ingest", "11", entry(3, 11));
        commits("ingest", 10);
        // windows is a file source over the events parquet files: it has read no landing file and holds none back.
        log("windows", "0", "{\"path\":\"file:///data/parquet/events/date=2026-11-22/hour=02/part-00000-x.c000"
                + ".snappy.parquet\",\"timestamp\":1795311377590,\"batchId\":0}");
        commits("windows", 0);

        assertThat(prune(4)).containsExactly(name(0), name(1), name(2));
        assertThat(left()).containsExactly(name(3), name(4));

        // File 3 goes only once ingest commits batch 11 and the ledger booked it; file 4 is too young.
        assertThat(prune(4)).isEmpty();
        commits("ingest", 11);
        assertThat(prune(2)).as("file 3 is not booked in the ledger yet").isEmpty();
        assertThat(prune(4)).containsExactly(name(3));
        assertThat(left()).containsExactly(name(4));
    }

    @Test
    void nothingIsDeletedWhileTheIngestQueryHasNotReadTheLandingDirectory() throws IOException {
        assertThat(prune(4)).isEmpty();
        // windows lists files of its own (events parquet) under the same names would not count either
        log("windows", "0", entry(0, 0), entry(1, 0));
        commits("windows", 0);
        assertThat(prune(4)).as("only chk/ingest says what was read from landing/").isEmpty();
        // a Kafka ingest query: its source log names offsets, not files
        log("ingest", "0", "{\"clickstream_events\":{\"0\":0}}");
        commits("ingest", 0);
        assertThat(prune(4)).isEmpty();
        assertThat(left()).hasSize(5);
    }

    @Test
    void sparkPathUrisAreMatchedByFileName() {
        assertThat(FileSourceLog.fileName("file:///data/landing/" + name(7))).isEqualTo(name(7));
        assertThat(FileSourceLog.fileName("file:///my%20data/landing/a%20b.jsonl")).isEqualTo("a b.jsonl");
    }
}
