package io.streamingclicks.validator;

import static io.streamingclicks.validator.db.SqlCli.cli;
import static io.streamingclicks.validator.db.SqlCli.query;
import static io.streamingclicks.validator.db.SqlCli.rows;
import static io.streamingclicks.validator.db.SqlCli.runFile;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.streamingclicks.accounting.links.Link2;
import io.streamingclicks.accounting.links.Link3;
import io.streamingclicks.accounting.spark.BatchOffsets;
import io.streamingclicks.accounting.spark.CheckpointLog;
import io.streamingclicks.accounting.spark.CommittedOutput;
import io.streamingclicks.accounting.spark.FileSourceLog;
import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.contract.DataRoot.Query;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.contract.Windows;
import io.streamingclicks.validator.fixture.LogEdgeCases;
import io.streamingclicks.validator.fixture.StackFixture;

/**
 * The validator computes the accounting in DuckDB SQL ({@code queries.sql}: its {@code cli_setup} readers, its views
 * and link statements, run as the CLI runs them); the accounting module holds the Java definition. On the same data
 * roots both must give the same answer: the committed files of each sink, the ingest query's Kafka batches, both
 * queries' file-source batches and logs, link 2 (over chk/ingest) and link 3 (over chk/windows and its source log
 * of events parquet files). The roots: {@link LogEdgeCases} (a compacted log with leftovers, {@code .crc}
 * files and a delete, URI-escaped names, a torn last line, a missing commit, empty sinks), an empty root, and the
 * simulated stack of {@link StackFixture} on Kafka (healthy, and with an event lost) and on files.
 */
class AccountingSqlVsJavaTest {

    private static final List<Sink> SINKS = List.of(Sink.values());

    /** A committed row of events or quarantine read back: where from, the events file holding it, its window. */
    record Row(Integer partition, Long offset, String eventsFile, Instant windowStart) {
    }

    @TempDir
    static Path tmp;
    static LogEdgeCases edges;

    @BeforeAll
    static void write() throws Exception {
        edges = new LogEdgeCases(tmp.resolve("edge root")).write();
    }

    @Test
    void theReadersAgreeOnEveryLogEdgeCase() throws Exception {
        try (Connection c = cli()) {
            runFile(c, edges.root());
            assertReadersAgree(c, edges.root());
            // and neither is wrong in the same way as the other
            assertThat(sqlFiles(c, Sink.PV)).containsExactlyInAnyOrderElementsOf(LogEdgeCases.PV_COMMITTED.stream()
                    .map(f -> sinkDir(edges.root(), Sink.PV).resolve(f).toString()).toList());
            assertThat(sqlSourceFiles(c, Query.WINDOWS)).containsEntry("part-00003 three.parquet", 3L)
                    .containsEntry("part-00010-%.parquet", 10L).containsEntry("part-00010-\u00e9.parquet", 10L)
                    .containsEntry("part-00011.parquet", 11L).hasSize(13);
            assertThat(sqlBatches(c)).containsExactly("0 wm=0 p0 null..5", "0 wm=0 p1 null..3",
                    "2 wm=1795300000000 p0 9..12", "2 wm=1795300000000 p1 3..8", "2 wm=1795300000000 p2 4..6");
            assertThat(sqlFileBatches(c, Query.WINDOWS)).containsExactly("0 wm=0 log null..3",
                    "1 wm=1795300000000 log 3..10");
            assertThat(sqlFileBatches(c, Query.INGEST)).isEmpty();
        }
    }

    @Test
    void theReadersAgreeOnAnEmptyRootAndOnTheSimulatedStack() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        StackFixture kafka = new StackFixture(tmp.resolve("kafka")).write();
        StackFixture files = new StackFixture(tmp.resolve("files"));
        files.fileSource = true;
        files.write();
        for (Path root : List.of(empty, kafka.root(), files.root())) {
            try (Connection c = cli()) {
                runFile(c, root);
                assertReadersAgree(c, root);
            }
        }
    }

    /**
     * Spark purged the first batches of both checkpoints (its retention) after the job recorded them in
     * {@code history/}, whose last line a kill tore: the SQL reads them from there as {@code CheckpointLog} does.
     */
    @Test
    void theReadersAgreeOnBatchesOnlyTheHistoryStillHolds() throws Exception {
        Path root = tmp.resolve("history root");
        Path ingest = chk(root, Query.INGEST);
        Path windows = chk(root, Query.WINDOWS);
        for (int b = 0; b < 6; b++) {
            long wm = b * 60_000L;
            writeBatch(ingest, b, wm, "{\"clickstream_events\":{\"0\":" + (b * 5) + ",\"1\":" + (b * 3) + "}}");
            writeBatch(windows, b, wm, "{\"logOffset\":" + (b * 2) + "}");
        }
        for (Path chk : List.of(ingest, windows)) {
            Files.delete(chk.resolve("commits/5")); // batch 5 in flight
            io.streamingclicks.accounting.spark.BatchHistory.of(chk).catchUp();
            for (int b = 0; b < 3; b++) {
                Files.delete(chk.resolve("offsets/" + b));
                Files.delete(chk.resolve("commits/" + b));
            }
            Files.writeString(chk.resolve("history/0.jsonl"), "{\"batchId\":5,\"offs",
                    java.nio.file.StandardOpenOption.APPEND);
        }
        try (Connection c = cli()) {
            runFile(c, root);
            assertReadersAgree(c, root);
            assertThat(sqlFileBatches(c, Query.WINDOWS)).containsExactly("0 wm=0 log null..0", "1 wm=60000 log 0..2",
                    "2 wm=120000 log 2..4", "3 wm=180000 log 4..6", "4 wm=240000 log 6..8");
            assertThat(sqlBatches(c)).startsWith("0 wm=0 p0 null..0", "0 wm=0 p1 null..0", "1 wm=60000 p0 0..5")
                    .hasSize(10);
        }
    }

    private static void writeBatch(Path chk, int batch, long watermarkMs, String source) throws Exception {
        Files.createDirectories(chk.resolve("offsets"));
        Files.createDirectories(chk.resolve("commits"));
        Files.writeString(chk.resolve("offsets/" + batch), "v1\n{\"batchWatermarkMs\":" + watermarkMs
                + ",\"batchTimestampMs\":1,\"conf\":{\"spark.sql.shuffle.partitions\":\"1\"}}\n" + source);
        Files.writeString(chk.resolve("commits/" + batch), "v1\n{\"nextBatchWatermarkMs\":0}");
    }

    @Test
    void linksTwoAndThreeAgreeWhenTheyHoldAndWhenAnEventIsLost() throws Exception {
        for (String variant : List.of("healthy", "lost", "files")) {
            StackFixture f = new StackFixture(tmp.resolve(variant));
            f.dropOneEvent = variant.equals("lost");
            f.fileSource = variant.equals("files");
            f.write();
            try (Connection c = cli()) {
                runFile(c, f.root());
                List<Row> events = readBack(c, f.root(), Sink.EVENTS);

                if (!f.fileSource) {
                    List<Row> quarantined = readBack(c, f.root(), Sink.QUARANTINE);
                    Link2 link2 = Link2.check(CheckpointLog.read(chk(f.root(), Query.INGEST)),
                            reads(events, quarantined));
                    Map<Integer, String> javaLink2 = new TreeMap<>();
                    link2.partitions().forEach((p, r) -> javaLink2.put(p, r.first() + ".." + r.end() + " gaps="
                            + r.missing() + " repeats=" + r.repeats().values().stream().mapToLong(n -> n - 1).sum()));
                    Map<Integer, String> sqlLink2 = new TreeMap<>();
                    rows(c, "dq_offsets").forEach(r -> sqlLink2.put((Integer) r.get("kafka_partition"),
                            r.get("first_offset") + ".." + r.get("end_offset") + " gaps=" + r.get("gaps")
                                    + " repeats=" + r.get("repeats")));
                    assertThat(sqlLink2).as("link 2, %s", variant).isEqualTo(javaLink2).hasSize(3);
                    assertThat(link2.holds()).isEqualTo(!variant.equals("lost"));
                }

                Path windows = chk(f.root(), Query.WINDOWS);
                Link3 link3 = Link3.of(CheckpointLog.read(windows), FileSourceLog.read(windows), StackFixture.WINDOW,
                        events.stream().map(e -> new Link3.Event(e.eventsFile(), e.windowStart())).toList());
                Map<Instant, String> sqlLink3 = new TreeMap<>();
                for (Map<String, Object> w : query(c, "SELECT epoch_ms(window_start) AS ws, expected_pv, late_events"
                        + " FROM (" + statement("pv_accounting") + ")")) {
                    sqlLink3.put(Instant.ofEpochMilli((Long) w.get("ws")), w.get("expected_pv") + " counted, "
                            + w.get("late_events") + " late");
                }
                // SQL names sealed windows only (the others are still open); Java splits every window read.
                Map<Instant, String> javaLink3 = new TreeMap<>();
                link3.windows().forEach((ws, w) -> {
                    if (ws.plus(StackFixture.WINDOW).toEpochMilli() <= f.sealedMs()) {
                        javaLink3.put(ws, w.counted() + " counted, " + w.droppedLate() + " late");
                    }
                });
                assertThat(sqlLink3).as("link 3, %s", variant).isEqualTo(javaLink3).hasSize(f.sealedWindowCount());
                Map<Instant, Long> lateByWindow = new TreeMap<>();
                for (Map<String, Object> e : query(c, "SELECT epoch_ms(window_start) AS ws FROM ("
                        + statement("late_events") + ")")) {
                    lateByWindow.merge(Instant.ofEpochMilli((Long) e.get("ws")), 1L, Long::sum);
                }
                Map<Instant, Long> javaLate = new TreeMap<>();
                link3.windows().forEach((ws, w) -> {
                    if (javaLink3.containsKey(ws) && w.droppedLate() > 0) {
                        javaLate.put(ws, w.droppedLate());
                    }
                });
                assertThat(lateByWindow).as("late_events, %s", variant).isEqualTo(javaLate)
                        .containsExactly(Map.entry(f.windowStart(0), 3L));
            }
        }
    }

    /** Every reader of cli_setup against its Java counterpart, per sink and per query (the file ran on root). */
    static void assertReadersAgree(Connection c, Path root) throws SQLException {
        for (Sink s : SINKS) {
            assertThat(sqlFiles(c, s)).as("committed files of %s under %s", s, root)
                    .containsExactlyInAnyOrderElementsOf(CommittedOutput.read(sinkDir(root, s)).named().stream()
                            .map(Path::toString).toList());
        }
        assertThat(sqlBatches(c)).as("ingest_batches under %s", root)
                .isEqualTo(javaBatches(CheckpointLog.read(chk(root, Query.INGEST))));
        for (Query q : Query.values()) {
            CheckpointLog log = CheckpointLog.read(chk(root, q));
            assertThat(sqlFileBatches(c, q)).as("file_batches of %s under %s", q.dir(), root)
                    .isEqualTo(javaFileBatches(log));
            assertThat(sqlSourceFiles(c, q)).as("source_files of %s under %s", q.dir(), root)
                    .isEqualTo(FileSourceLog.read(chk(root, q)));
        }
    }

    static List<String> sqlFiles(Connection c, Sink s) throws SQLException {
        return query(c, "SELECT unnest(coalesce(getvariable('" + s.dir() + "_files'), []::VARCHAR[])) AS f").stream()
                .map(r -> Path.of((String) r.get("f")).normalize().toString()).toList();
    }

    static List<String> sqlBatches(Connection c) throws SQLException {
        return query(c, "SELECT * FROM ingest_batches ORDER BY batch_id, kafka_partition").stream()
                .map(r -> kafkaRow((Long) r.get("batch_id"), (Long) r.get("watermark_ms"),
                        (Integer) r.get("kafka_partition"), (Long) r.get("start_offset"), (Long) r.get("end_offset")))
                .toList();
    }

    /** The same table from the Java reader: committed batches, start = the previous planned batch's end. */
    static List<String> javaBatches(CheckpointLog log) {
        List<String> out = new ArrayList<>();
        Map<Integer, Long> previous = new HashMap<>();
        for (BatchOffsets b : log.batches()) {
            if (b.fileLogOffset() != null) {
                continue;
            }
            new TreeMap<>(b.endOffsets()).forEach((p, end) -> {
                if (b.committed()) {
                    out.add(kafkaRow(b.batchId(), b.watermarkMs(), p, previous.get(p), end));
                }
                previous.put(p, end);
            });
        }
        return out;
    }

    static String kafkaRow(long batch, long watermark, int partition, Long start, long end) {
        return batch + " wm=" + watermark + " p" + partition + " " + start + ".." + end;
    }

    static List<String> sqlFileBatches(Connection c, Query q) throws SQLException {
        return query(c, "SELECT * FROM file_batches WHERE query = '" + q.dir() + "' ORDER BY batch_id").stream()
                .map(r -> r.get("batch_id") + " wm=" + r.get("watermark_ms") + " log " + r.get("start_log_offset")
                        + ".." + r.get("end_log_offset")).toList();
    }

    static List<String> javaFileBatches(CheckpointLog log) {
        List<String> out = new ArrayList<>();
        Long previous = null;
        for (BatchOffsets b : log.batches()) {
            if (b.fileLogOffset() == null) {
                continue;
            }
            if (b.committed()) {
                out.add(b.batchId() + " wm=" + b.watermarkMs() + " log " + previous + ".." + b.fileLogOffset());
            }
            previous = b.fileLogOffset();
        }
        return out;
    }

    static Map<String, Long> sqlSourceFiles(Connection c, Query q) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        query(c, "SELECT * FROM source_files WHERE query = '" + q.dir() + "'")
                .forEach(r -> out.put((String) r.get("source_file"), (Long) r.get("source_batch")));
        return out;
    }

    /**
     * The rows of a sink's committed files (as the Java reader names them) read back with DuckDB: (partition,
     * offset, the name of the file holding the row, window) as plain values for the Java links; the file name is cut
     * from the path here, in Java. Quarantine rows have no event time: window start null.
     */
    static List<Row> readBack(Connection c, Path root, Sink s) throws SQLException {
        List<String> files = CommittedOutput.read(sinkDir(root, s)).files().stream().map(Path::toString).toList();
        if (files.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement ps = c.prepareStatement("SET VARIABLE java_files = ?")) {
            ps.setArray(1, c.createArrayOf("VARCHAR", files.toArray()));
            ps.execute();
        }
        String time = s == Sink.EVENTS ? "epoch_ms(event_time)" : "NULL::BIGINT";
        List<Row> out = new ArrayList<>();
        for (Map<String, Object> r : query(c, "SELECT kafka_partition, kafka_offset, " + time
                + " AS event_ms, filename FROM read_parquet(getvariable('java_files'), filename = true)")) {
            Long t = (Long) r.get("event_ms");
            out.add(new Row((Integer) r.get("kafka_partition"), (Long) r.get("kafka_offset"),
                    Path.of((String) r.get("filename")).getFileName().toString(),
                    t == null ? null : Windows.start(Instant.ofEpochMilli(t), StackFixture.WINDOW)));
        }
        return out;
    }

    static List<Link2.Read> reads(List<Row> events, List<Row> quarantined) {
        List<Link2.Read> out = new ArrayList<>();
        for (List<Row> l : List.of(events, quarantined)) {
            l.forEach(e -> out.add(new Link2.Read(e.partition(), e.offset())));
        }
        return out;
    }

    static String statement(String name) {
        return io.streamingclicks.validator.db.SqlFile.load().statement(name);
    }

    static Path sinkDir(Path root, Sink s) {
        return root.resolve(DataRoot.PARQUET).resolve(s.dir());
    }

    static Path chk(Path root, Query q) {
        return root.resolve(DataRoot.CHECKPOINTS).resolve(q.dir());
    }
}
