package io.streamingclicks.validator.committed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.streamingclicks.accounting.spark.CommittedOutput;
import io.streamingclicks.validator.fixture.StackFixture;

/**
 * The committed-output reader (accounting's {@link CommittedOutput}) on the validator's fixture data root as a killed
 * batch leaves it, read with DuckDB: orphans are never opened nor counted.
 */
class CommittedOutputTest {

    @TempDir
    static Path tmp;
    static StackFixture fixture;

    @BeforeAll
    static void writeFixture() throws Exception {
        fixture = new StackFixture(tmp.resolve("data")).write();
    }

    static Path pvDir(Path root) {
        return root.resolve("parquet/pv");
    }

    static long sumPv(List<Path> files) throws Exception {
        try (Connection c = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
             PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(pv), 0) FROM read_parquet(?)")) {
            ps.setArray(1, c.createArrayOf("VARCHAR", files.stream().map(Path::toString).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void readsTheCompactionAndLaterDeltasAndNotTheOrphans() throws Exception {
        Path log = pvDir(fixture.root()).resolve("_spark_metadata");
        assertThat(log.resolve("9.compact")).exists();
        assertThat(log.resolve("3")).doesNotExist();
        CommittedOutput committed = CommittedOutput.read(pvDir(fixture.root()));
        assertThat(committed.missing()).isEmpty();
        assertThat(committed.files()).noneMatch(p -> p.getFileName().toString().contains("deadbeef"));
        long expected = 0;
        assertThat(fixture.sealedWindowCount()).isEqualTo(4);
        for (int w = 0; w < fixture.sealedWindowCount(); w++) {
            expected += fixture.expectedPv(w).values().stream().mapToLong(Long::longValue).sum();
        }
        assertThat(sumPv(committed.files())).isEqualTo(expected);
        // Batches 0-8 (folded into 9.compact) contribute too: the compaction was read.
        assertThat(committed.files().size()).isGreaterThan(3);
    }

    @Test
    void theNaiveGlobWouldChokeOnTheTruncatedOrphan() throws Exception {
        List<Path> all;
        try (Stream<Path> s = Files.walk(pvDir(fixture.root()))) {
            all = s.filter(p -> p.toString().endsWith(".parquet")).toList();
        }
        assertThat(all).anyMatch(p -> p.getFileName().toString().contains("deadbeef"));
        assertThatThrownBy(() -> sumPv(all)).hasMessageContaining("part-99999");
    }

    @Test
    void stillReadsTheOutputWhenTheDataRootWasMoved() throws Exception {
        Path moved = tmp.resolve("moved-root");
        copyTree(fixture.root(), moved);
        CommittedOutput before = CommittedOutput.read(pvDir(fixture.root()));
        CommittedOutput after = CommittedOutput.read(pvDir(moved));
        assertThat(after.missing()).isEmpty();
        assertThat(after.files()).allMatch(p -> p.startsWith(moved));
        assertThat(sumPv(after.files())).isEqualTo(sumPv(before.files()));
    }

    @Test
    void aNamedFileThatIsGoneIsReportedMissingAndNotRead() throws Exception {
        Path copy = tmp.resolve("missing-root");
        copyTree(fixture.root(), copy);
        CommittedOutput all = CommittedOutput.read(pvDir(copy));
        Files.delete(all.files().get(0));
        CommittedOutput now = CommittedOutput.read(pvDir(copy));
        assertThat(now.missing()).containsExactly(all.files().get(0));
        assertThat(now.files()).hasSize(all.files().size() - 1);
    }

    @Test
    void aSinkWithoutLogHasNoCommittedOutput() {
        assertThat(CommittedOutput.read(tmp.resolve("nothing")).files()).isEmpty();
    }

    static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
