package io.streamingclicks.validator.dq;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.streamingclicks.validator.fixture.StackFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code make dq}'s entry: every check once over a data root, a table, exit 0 when clean and 1 when one fails. */
class OneShotDqTest {

    @TempDir
    Path tmp;

    private String out;
    private String err;

    private int run(Path dataDir) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = OneShotDq.run(new SmallRyeConfigBuilder()
                        .withSources(new PropertiesConfigSource(Map.of("DATA_DIR", dataDir.toString()), "test", 500))
                        .build(),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    private Path fixture(String name, Consumer<StackFixture> breakIt) throws Exception {
        StackFixture f = new StackFixture(tmp.resolve(name));
        breakIt.accept(f);
        return f.write().root();
    }

    @Test
    void aCleanDataRootExitsZeroWithEveryCheckInTheTable() throws Exception {
        assertThat(run(fixture("clean", f -> { }))).as(out + err).isZero();
        assertThat(out).startsWith("check").contains("status", "measured", "threshold")
                .contains("duplicates_pv", "reconciliation_events_pv", "reconciliation_producer_kafka", "freshness")
                .doesNotContain("FAIL").contains("dq: all");
        // Nothing is written to the data root: the database is in memory.
        assertThat(tmp.resolve("clean").resolve("validator.duckdb")).doesNotExist();
    }

    @Test
    void aDuplicateKeyExitsNonZeroNamingTheCheck() throws Exception {
        assertThat(run(fixture("dup", f -> f.duplicatePvRow = true))).as(out + err).isEqualTo(1);
        assertThat(out.lines().filter(l -> l.startsWith("duplicates_pv"))).singleElement()
                .satisfies(l -> assertThat(l).contains("FAIL"));
        assertThat(out).contains("checks FAIL");
    }

    /**
     * Writes a Top-3 of the fixture's committed pv (rows matching {@code where}) into one file of parquet/topn, and,
     * when {@code commit}, names it in a new {@code _spark_metadata} delta as the windows query's next batch would.
     */
    private static void writeTopN(Path root, String file, String where, boolean commit) throws Exception {
        io.streamingclicks.validator.config.ValidatorSettings settings =
                new io.streamingclicks.validator.config.ValidatorSettings(new SmallRyeConfigBuilder()
                        .withSources(new PropertiesConfigSource(Map.of("DATA_DIR", root.toString()), "test", 500))
                        .build());
        io.streamingclicks.validator.db.DuckDb db = io.streamingclicks.validator.db.DuckDb.inMemory(settings, "256MB", 2);
        Path topn = root.resolve("parquet/topn");
        Path target = topn.resolve(file);
        try (io.streamingclicks.validator.db.Workspace ws = io.streamingclicks.validator.db.Workspace.open(db,
                io.streamingclicks.validator.db.SqlFile.load(),
                io.streamingclicks.validator.pipeline.SnapshotReader.read(settings), settings.window().toMillis(),
                settings.uvRsd());
             java.sql.Statement s = ws.connection().createStatement()) {
            java.nio.file.Files.createDirectories(target.getParent());
            s.execute("COPY (SELECT * FROM (SELECT window_start, window_end, CAST(row_number() OVER (PARTITION BY"
                    + " window_start ORDER BY pv DESC, page_id) AS INTEGER) AS rank, page_id, pv FROM pv)"
                    + " WHERE rank <= 3 AND " + where + ") TO '" + target + "' (FORMAT parquet)");
        } finally {
            db.closeStandalone();
        }
        if (commit) {
            Path log = topn.resolve("_spark_metadata");
            long next;
            try (java.util.stream.Stream<Path> l = java.nio.file.Files.list(log)) {
                next = l.map(p -> p.getFileName().toString().replace(".compact", "")).filter(n -> n.matches("\\d+"))
                        .mapToLong(Long::parseLong).max().orElse(-1) + 1;
            }
            java.nio.file.Files.writeString(log.resolve(Long.toString(next)), "v1\n{\"path\":\"file://" + target
                    + "\",\"size\":1,\"isDir\":false,\"modificationTime\":1,\"blockReplication\":1,"
                    + "\"blockSize\":33554432,\"action\":\"add\"}");
        }
    }

    @Test
    void topNIsCheckedAgainstPvThroughItsSparkMetadataOnly() throws Exception {
        Path root = fixture("topn", f -> { });
        // A killed attempt's file, holding a wrong ranking, that no _spark_metadata entry names: never read.
        writeTopN(root, "date=2000-01-01/hour=0/part-99999-killed.c000.snappy.parquet", "rank = 1", false);
        assertThat(run(root)).as(out + err).isZero();
        assertThat(out.lines().filter(l -> l.startsWith("topn_vs_pv"))).singleElement()
                .satisfies(l -> assertThat(l).contains("PASS").contains("0 of 4 windows"));

        // The same window ranked again by a later committed batch: two rankings for one window fail.
        writeTopN(root, "date=2000-01-01/hour=0/part-00000-again.c000.snappy.parquet",
                "window_start = (SELECT min(window_start) FROM pv)", true);
        assertThat(run(root)).as(out + err).isEqualTo(1);
        assertThat(out.lines().filter(l -> l.startsWith("topn_vs_pv"))).singleElement()
                .satisfies(l -> assertThat(l).contains("FAIL").contains("1 of 4 windows"));
    }

    @Test
    void aMissingDataRootIsAnErrorNamingIt() {
        assertThat(run(tmp.resolve("nowhere"))).isEqualTo(2);
        assertThat(err).contains("nowhere");
    }
}
