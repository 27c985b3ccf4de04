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

    /** Writes the Top-3 of the fixture's committed pv as the job's Top-N sink would: {@code topn/<dir>/date=/hour=}. */
    private static void writeTopN(Path root, String dir, String where) throws Exception {
        io.streamingclicks.validator.config.ValidatorSettings settings =
                new io.streamingclicks.validator.config.ValidatorSettings(new SmallRyeConfigBuilder()
                        .withSources(new PropertiesConfigSource(Map.of("DATA_DIR", root.toString()), "test", 500))
                        .build());
        io.streamingclicks.validator.db.DuckDb db = io.streamingclicks.validator.db.DuckDb.inMemory(settings, "256MB", 2);
        try (io.streamingclicks.validator.db.Workspace ws = io.streamingclicks.validator.db.Workspace.open(db,
                io.streamingclicks.validator.db.SqlFile.load(),
                io.streamingclicks.validator.pipeline.SnapshotReader.read(settings), settings.window().toMillis(),
                settings.uvRsd());
             java.sql.Statement s = ws.connection().createStatement()) {
            java.nio.file.Files.createDirectories(root.resolve("parquet/topn"));
            s.execute("COPY (SELECT * FROM (SELECT window_start, window_end, CAST(row_number() OVER (PARTITION BY"
                    + " window_start ORDER BY pv DESC, page_id) AS INTEGER) AS rank, page_id, pv,"
                    + " strftime(window_start, '%Y-%m-%d') AS date, hour(window_start) AS hour FROM pv)"
                    + " WHERE rank <= 3 AND " + where + ") TO '"
                    + root.resolve("parquet/topn").resolve(dir) + "' (FORMAT parquet, PARTITION_BY (date, hour))");
        } finally {
            db.closeStandalone();
        }
    }

    @Test
    void topNIsCheckedAgainstPvThroughItsCommittedBatchDirectoriesOnly() throws Exception {
        Path root = fixture("topn", f -> { });
        writeTopN(root, "batch_id=0", "true");
        // A killed attempt's temporary directory, holding a wrong ranking: never read.
        writeTopN(root, "_tmp-batch_id=1-x", "rank = 1");
        java.nio.file.Files.walk(root.resolve("parquet/topn/_tmp-batch_id=1-x"))
                .filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
        assertThat(run(root)).as(out + err).isZero();
        assertThat(out.lines().filter(l -> l.startsWith("topn_vs_pv"))).singleElement()
                .satisfies(l -> assertThat(l).contains("PASS").contains("0 of 4 windows"));

        // The same window ranked by a second committed batch: two rankings for one window fail.
        writeTopN(root, "batch_id=2", "window_start = (SELECT min(window_start) FROM pv)");
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
