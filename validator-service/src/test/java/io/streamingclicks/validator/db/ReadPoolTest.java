package io.streamingclicks.validator.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.fixture.StackFixture;
import io.streamingclicks.validator.pipeline.OutputSnapshot;
import io.streamingclicks.validator.pipeline.SnapshotCacheAccess;
import io.streamingclicks.validator.pipeline.SnapshotReader;

/**
 * Pooled workspaces answer as a workspace set up afresh: nothing a lease set or narrowed reaches the next, a lease
 * keeps its snapshot while a new batch lands, and a connection whose statement failed is not handed out again.
 */
class ReadPoolTest {

    @TempDir
    Path tmp;

    StackFixture f;
    ValidatorSettings settings;
    DuckDb db;
    ReadPool pool;

    @BeforeEach
    void setUp() throws Exception {
        f = new StackFixture(tmp.resolve("data")).write();
        settings = new ValidatorSettings(new SmallRyeConfigBuilder().withSources(
                new PropertiesConfigSource(Map.of("DATA_DIR", f.root().toString()), "test", 500)).build());
        db = DuckDbAccess.open(settings);
        pool = new ReadPool();
        pool.db = db;
        pool.snapshots = SnapshotCacheAccess.of(settings);
        pool.settings = settings;
        pool.size = 2;
        pool.init();
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.close();
        DuckDbAccess.close(db);
    }

    @Test
    void whatALeaseSetOrNarrowedIsGoneInTheNext() throws Exception {
        List<Map<String, Object>> windows;
        List<Map<String, Object>> latestTopN;
        try (Workspace fresh = Workspace.open(db, pool.sql, SnapshotReader.read(settings),
                settings.window().toMillis(), settings.uvRsd())) {
            windows = fresh.rows("windows");
            latestTopN = fresh.rows("topn");
        }
        assertThat(windows).hasSize(f.sealedWindowCount());

        Connection first;
        try (Workspace ws = pool.lease()) {
            first = ws.connection();
            var t = f.windowStart(0).atZone(ZoneOffset.UTC);
            ws.narrow(Sink.PV, "date=" + t.toLocalDate() + "/hour=" + t.getHour());
            assertThat(ws.rows("topn", Map.of("window_ts", f.windowStart(0).toString().replace("T", " ")
                    .replace("Z", ""), "n", 1))).hasSize(1);
        }
        try (Workspace ws = pool.lease()) {
            assertThat(ws.connection()).as("the idle connection is reused").isSameAs(first);
            assertThat(ws.rows("windows")).isEqualTo(windows);
            assertThat(ws.rows("topn")).as("window_ts and n unset: the latest sealed window, 10 pages")
                    .isEqualTo(latestTopN);
        }
    }

    @Test
    void aLeaseKeepsItsSnapshotWhileTheNextSeesTheNewBatch() throws Exception {
        Workspace held = pool.lease();
        OutputSnapshot before = held.snapshot();
        long pvFiles = pvFiles(held);

        commitOrphan();

        try (Workspace next = pool.lease()) {
            assertThat(next.snapshot()).isNotSameAs(before);
            assertThat(pvFiles(next)).isEqualTo(pvFiles + 1);
            assertThat(pvFiles(held)).as("the held lease still reads its own snapshot").isEqualTo(pvFiles);
        }
        held.close();
        held.close(); // a second close gives nothing back twice
        List<Map<String, Object>> accounting;
        try (Workspace fresh = Workspace.open(db, pool.sql, SnapshotReader.read(settings),
                settings.window().toMillis(), settings.uvRsd())) {
            accounting = fresh.rows("pv_accounting");
        }
        try (Workspace a = pool.lease(); Workspace b = pool.lease()) {
            // Both idle connections, the one bound to the old snapshot re-bound on lease: its views read the
            // replaced checkpoint tables as a fresh workspace does.
            assertThat(pvFiles(a)).isEqualTo(pvFiles + 1);
            assertThat(pvFiles(b)).isEqualTo(pvFiles + 1);
            assertThat(a.connection()).isNotSameAs(b.connection());
            assertThat(a.rows("pv_accounting")).isEqualTo(accounting);
            assertThat(b.rows("pv_accounting")).isEqualTo(accounting);
        }
    }

    @Test
    void aConnectionWhoseStatementFailedIsNotReused() throws Exception {
        Connection failed;
        try (Workspace ws = pool.lease()) {
            failed = ws.connection();
            assertThatThrownBy(() -> ws.rows("topn", Map.of("n", "ten"))).isInstanceOf(SQLException.class);
        }
        assertThat(failed.isClosed()).isTrue();
        try (Workspace ws = pool.lease()) {
            assertThat(ws.connection()).isNotSameAs(failed);
            assertThat(ws.rows("topn")).isNotEmpty();
        }
    }

    private static long pvFiles(Workspace ws) throws SQLException {
        try (Statement s = ws.connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT len(getvariable('pv_files'))")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Batch 14 of pv's _spark_metadata commits the fixture's orphan file. */
    private void commitOrphan() throws Exception {
        Path pv = f.root().resolve("parquet/pv");
        Path orphan;
        try (Stream<Path> s = Files.walk(pv)) {
            orphan = s.filter(p -> p.getFileName().toString().startsWith("part-99998")).findFirst().orElseThrow();
        }
        Files.writeString(pv.resolve("_spark_metadata/14"), "v1\n{\"path\":\"file://" + orphan + "\",\"size\":"
                + Files.size(orphan) + ",\"isDir\":false,\"modificationTime\":1,\"blockReplication\":1,"
                + "\"blockSize\":33554432,\"action\":\"add\"}");
    }
}
