package io.streamingclicks.validator.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.validator.fixture.StackFixture;
import io.streamingclicks.validator.fixture.TestWarehouse;

/**
 * A data root with an Iceberg pv table and nothing else, which the test appends to while the service runs
 * ({@code OUTPUT_FORMAT=iceberg}): one Parquet file (written by DuckDB) of one window's pv rows per commit, so each
 * commit is a snapshot with its own Top-N.
 */
public class TimeTravelDataRoot implements QuarkusTestResourceLifecycleManager {

    static Path root;

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("validator-time-travel").resolve("data");
            try (TestWarehouse w = new TestWarehouse(root)) {
                w.create(Sink.PV);
            }
            return Map.of("DATA_DIR", root.toString(), "OUTPUT_FORMAT", "iceberg");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
    }

    /** Commits the window at {@code windowStart} with {@code pv} per page (page -> pv) as one snapshot; its id. */
    static long appendWindow(Instant windowStart, Map<String, Long> pv) throws Exception {
        Duration window = StackFixture.WINDOW;
        LocalDateTime start = LocalDateTime.ofInstant(windowStart, ZoneOffset.UTC);
        Instant hour = windowStart.truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        try (TestWarehouse w = new TestWarehouse(root);
             Connection duckdb = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new Properties())) {
            Table table = w.table(Sink.PV);
            Path file = w.dataDir(Sink.PV).resolve("window_start_hour=" + hour.getEpochSecond() / 3600)
                    .resolve("pv-" + windowStart.toEpochMilli() + "-" + System.nanoTime() + ".parquet");
            Files.createDirectories(file.getParent());
            List<String> rows = new ArrayList<>();
            java.time.format.DateTimeFormatter ts = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
            pv.forEach((page, n) -> rows.add("(TIMESTAMP '" + ts.format(start) + "', TIMESTAMP '"
                    + ts.format(start.plus(window)) + "', '" + page.replace("'", "''") + "', " + n + ", '" + start.toLocalDate() + "', "
                    + start.getHour() + ")"));
            try (Statement s = duckdb.createStatement()) {
                s.execute("COPY (SELECT * FROM (VALUES " + String.join(", ", rows)
                        + ") t(window_start, window_end, page_id, pv, date, hour)) TO '" + file
                        + "' (FORMAT parquet)");
            }
            DataFile data = TestWarehouse.dataFile(table, file, hour, pv.size());
            return TestWarehouse.append(table, List.of(data));
        }
    }

    /** Expires snapshot {@code id} with iceberg-core's ExpireSnapshots, as the job's compaction does. */
    static void expire(long id) throws Exception {
        try (TestWarehouse w = new TestWarehouse(root)) {
            w.table(Sink.PV).expireSnapshots().expireSnapshotId(id).commit();
        }
    }
}
