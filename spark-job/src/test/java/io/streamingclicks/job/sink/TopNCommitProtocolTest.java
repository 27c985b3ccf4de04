package io.streamingclicks.job.sink;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Top-N sink's commit protocol on a real local directory (Hadoop's local file system, as the job uses it): what a
 * reader of {@code batch_id=*} sees after each step, and what a redone batch or a new checkpoint does.
 */
class TopNCommitProtocolTest {

    @TempDir
    java.nio.file.Path tmp;

    private final Configuration conf = new Configuration();

    private TopNCommitProtocol protocol() throws IOException {
        return new TopNCommitProtocol(new Path(tmp.resolve("topn").toUri()), conf);
    }

    /** A writer that leaves one file, as Spark's Parquet writer leaves part files and _SUCCESS. */
    private static TopNCommitProtocol.BatchWriter writes(String content, List<java.nio.file.Path> seen) {
        return dir -> {
            java.nio.file.Path d = java.nio.file.Path.of(dir.toUri());
            seen.add(d);
            Files.createDirectories(d.resolve("date=2026-11-22/hour=1"));
            Files.writeString(d.resolve("date=2026-11-22/hour=1/part-0.parquet"), content, StandardCharsets.UTF_8);
        };
    }

    private List<String> entries() throws IOException {
        try (Stream<java.nio.file.Path> s = Files.list(tmp.resolve("topn"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aBatchIsWrittenUnderAHiddenNameAndAppearsOnlyByItsRename() throws IOException {
        TopNCommitProtocol protocol = protocol();
        List<java.nio.file.Path> seen = new ArrayList<>();
        List<String> duringWrite = new ArrayList<>();
        boolean written = protocol.writeOnce(3, dir -> {
            writes("ranking", seen).write(dir);
            duringWrite.addAll(entries());
            assertThat(protocol.isCommitted(3)).isFalse();
            assertThat(protocol.committedBatchIds()).isEmpty();
        });

        assertThat(written).isTrue();
        assertThat(duringWrite).singleElement().asString().startsWith(TopNCommitProtocol.TEMP_PREFIX + "3-");
        assertThat(seen.get(0).getFileName().toString()).startsWith("_"); // Spark and DuckDB globs skip it
        assertThat(entries()).containsExactly("batch_id=3");
        assertThat(tmp.resolve("topn/batch_id=3/date=2026-11-22/hour=1/part-0.parquet")).hasContent("ranking");
        assertThat(protocol.isCommitted(3)).isTrue();
        assertThat(protocol.committedBatchIds()).containsExactly(3L);
    }

    @Test
    void aCommittedBatchIdRedoneBySparkIsSkippedAndLeftUntouched() throws IOException {
        TopNCommitProtocol protocol = protocol();
        protocol.writeOnce(7, writes("first attempt", new ArrayList<>()));
        java.nio.file.Path file = tmp.resolve("topn/batch_id=7/date=2026-11-22/hour=1/part-0.parquet");
        long modified = Files.getLastModifiedTime(file).toMillis();

        // Spark redoes batch 7 after a crash between the rename and its commits/7.
        List<java.nio.file.Path> seen = new ArrayList<>();
        boolean written = protocol.writeOnce(7, writes("second attempt", seen));

        assertThat(written).isFalse();
        assertThat(seen).as("the writer is not even called").isEmpty();
        assertThat(entries()).containsExactly("batch_id=7");
        assertThat(file).hasContent("first attempt");
        assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(modified);
        try (Stream<java.nio.file.Path> s = Files.walk(tmp.resolve("topn"))) {
            assertThat(s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")))
                    .containsExactly(file);
        }
    }

    @Test
    void theLeftoversOfAKilledAttemptAreRemovedWhenTheBatchIsWrittenAgain() throws IOException {
        TopNCommitProtocol protocol = protocol();
        java.nio.file.Path topn = tmp.resolve("topn");
        // Two killed attempts of batch 4 (one half-written), and a temporary directory of batch 41: not batch 4's.
        Files.createDirectories(topn.resolve("_tmp-batch_id=4-aaaa/date=2026-11-22/hour=1"));
        Files.writeString(topn.resolve("_tmp-batch_id=4-aaaa/date=2026-11-22/hour=1/part-0.parquet"), "half");
        Files.createDirectories(topn.resolve("_tmp-batch_id=4-bbbb"));
        Files.createDirectories(topn.resolve("_tmp-batch_id=41-cccc"));

        assertThat(protocol.writeOnce(4, writes("redone", new ArrayList<>()))).isTrue();

        assertThat(entries()).containsExactly("_tmp-batch_id=41-cccc", "batch_id=4");
        assertThat(topn.resolve("batch_id=4/date=2026-11-22/hour=1/part-0.parquet")).hasContent("redone");
        assertThat(protocol.committedBatchIds()).containsExactly(4L);
    }

    @Test
    void aCommitNeverReplacesOrNestsIntoACommittedBatch() throws IOException {
        TopNCommitProtocol protocol = protocol();
        protocol.writeOnce(5, writes("committed", new ArrayList<>()));
        // A second writer of batch 5 that did not check (a rename onto a directory would move the temp inside it).
        Path temp = protocol.begin(5);
        writes("second", new ArrayList<>()).write(temp);

        assertThatThrownBy(() -> protocol.commit(5, temp))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot commit topn batch 5")
                .hasMessageContaining(tmp.resolve("topn/batch_id=5").toString());
        assertThat(tmp.resolve("topn/batch_id=5/date=2026-11-22/hour=1/part-0.parquet")).hasContent("committed");
        try (Stream<String> s = Files.list(tmp.resolve("topn/batch_id=5")).map(p -> p.getFileName().toString())) {
            assertThat(s).containsExactly("date=2026-11-22");
        }
    }

    @Test
    void aNewCheckpointOverCommittedBatchesIsRefusedNamingBothPaths() throws IOException {
        java.nio.file.Path topn = tmp.resolve("topn");
        java.nio.file.Path chk = tmp.resolve("chk/topn");
        protocol().writeOnce(0, writes("a", new ArrayList<>()));
        protocol().writeOnce(1, writes("b", new ArrayList<>()));

        // No checkpoint at all, then one created but without a planned batch: both are new.
        for (boolean created : new boolean[] {false, true}) {
            if (created) {
                Files.createDirectories(chk.resolve("offsets"));
            }
            assertThatThrownBy(() -> TopNCommitProtocol.refuseNewCheckpointOverCommitted(topn.toString(),
                    chk.toString(), conf))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(topn.toString())
                    .hasMessageContaining(chk.toString())
                    .hasMessageContaining("batch_id=0 .. batch_id=1")
                    .hasMessageContaining("Restore the checkpoint");
        }
        // The checkpoint that wrote them has planned batches: accepted.
        Files.writeString(chk.resolve("offsets/1"), "v1\n{}\n{}\n");
        TopNCommitProtocol.refuseNewCheckpointOverCommitted(topn.toString(), chk.toString(), conf);
    }

    @Test
    void aNewCheckpointIsAcceptedOverNoOutputOrOnlyTemporaryDirectories() throws IOException {
        java.nio.file.Path topn = tmp.resolve("topn");
        String chk = tmp.resolve("chk/topn").toString();
        TopNCommitProtocol.refuseNewCheckpointOverCommitted(topn.toString(), chk, conf);
        Files.createDirectories(topn.resolve("_tmp-batch_id=0-aaaa"));
        TopNCommitProtocol.refuseNewCheckpointOverCommitted(topn.toString(), chk, conf);
    }
}
