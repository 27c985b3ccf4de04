package io.streamingclicks.accounting.spark;

import static io.streamingclicks.accounting.spark.SparkLogFiles.add;
import static io.streamingclicks.accounting.spark.SparkLogFiles.delete;
import static io.streamingclicks.accounting.spark.SparkLogFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.streamingclicks.contract.DataRoot;

/**
 * A sink directory as Spark leaves it after compactions and a killed batch (ported from the validator's
 * CommittedOutputReaderTest, on plain files): the log was written where the job ran ({@code /job/data}), the data
 * root now lives elsewhere.
 */
class CommittedOutputTest {

    static final String LOGGED = "file:///job/data/parquet/" + DataRoot.Sink.PV.dir() + "/";

    @TempDir
    Path tmp;
    Path sink;
    Path log;

    @BeforeEach
    void sink() throws Exception {
        sink = tmp.resolve("parquet").resolve(DataRoot.Sink.PV.dir());
        log = sink.resolve(DataRoot.SPARK_METADATA);
        // 9.compact folds batches 0..9; 8 is a leftover delta Spark has not deleted yet; 10 and 11 come after.
        write(log.resolve("9.compact"), String.join("\n", "v1", add(LOGGED + "date=2026-11-21/part-a.parquet"),
                add(LOGGED + "date=2026-11-21/part-b.parquet")));
        write(log.resolve("8"), "v1\n" + add(LOGGED + "date=2026-11-21/part-old.parquet"));
        write(log.resolve(".8.crc"), "\u0000\u0001");
        write(log.resolve("10"), String.join("\n", "v1", add(LOGGED + "date=my%20day/part-c.parquet"),
                delete(LOGGED + "date=2026-11-21/part-a.parquet")));
        write(log.resolve("11"), "v1\n");
        write(log.resolve(".12.5f2e.tmp"), "v1\n" + add(LOGGED + "date=2026-11-21/part-tmp.parquet"));
        for (String f : new String[] {"date=2026-11-21/part-a.parquet", "date=2026-11-21/part-b.parquet",
                "date=my day/part-c.parquet", "date=2026-11-21/part-old.parquet",
                "date=2026-11-21/part-99999-deadbeef.parquet"}) {
            write(sink.resolve(f), "PAR1");
        }
    }

    @Test
    void readsTheCompactionAndLaterDeltasNeverTheOrphansOrTheTempFile() {
        CommittedOutput c = CommittedOutput.read(sink);
        assertThat(c.files()).containsExactly(sink.resolve("date=2026-11-21/part-b.parquet"),
                sink.resolve("date=my day/part-c.parquet"));
        assertThat(c.missing()).isEmpty();
        assertThat(c.latestBatch()).isEqualTo(11);
        assertThat(c.sinkDir()).isEqualTo(sink);
        assertThat(c.uris()).allMatch(u -> u.startsWith("file:")).anyMatch(u -> u.contains("my%20day"));
    }

    @Test
    void stillReadsTheOutputWhenTheDataRootWasMoved() throws Exception {
        Path moved = tmp.resolve("moved");
        try (Stream<Path> s = Files.walk(tmp.resolve("parquet"))) {
            for (Path p : s.toList()) {
                Path t = moved.resolve(tmp.resolve("parquet").relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        CommittedOutput c = CommittedOutput.read(moved.resolve(DataRoot.Sink.PV.dir()));
        assertThat(c.files()).hasSize(2).allMatch(p -> p.startsWith(moved));
        assertThat(c.missing()).isEmpty();
    }

    @Test
    void aNamedFileThatIsGoneIsReportedMissingAndNotRead() throws Exception {
        Files.delete(sink.resolve("date=2026-11-21/part-b.parquet"));
        CommittedOutput c = CommittedOutput.read(sink);
        assertThat(c.missing()).containsExactly(sink.resolve("date=2026-11-21/part-b.parquet"));
        assertThat(c.files()).containsExactly(sink.resolve("date=my day/part-c.parquet"));
    }

    @Test
    void anEmptyOrMissingSinkHasNoCommittedOutput() throws Exception {
        assertThat(CommittedOutput.read(tmp.resolve("nothing")).isEmpty()).isTrue();
        assertThat(CommittedOutput.read(tmp.resolve("nothing")).latestBatch()).isEqualTo(-1);
        Path empty = Files.createDirectories(tmp.resolve("empty").resolve(DataRoot.SPARK_METADATA));
        assertThat(CommittedOutput.read(empty.getParent())).isEqualTo(CommittedOutput.none(empty.getParent()));
        write(empty.resolve(".0.crc"), "crc");
        assertThat(CommittedOutput.read(empty.getParent()).files()).isEmpty();
    }
}
