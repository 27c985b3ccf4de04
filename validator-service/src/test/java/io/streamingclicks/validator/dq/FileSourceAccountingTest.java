package io.streamingclicks.validator.dq;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.streamingclicks.accounting.spark.CommittedOutput;
import io.streamingclicks.validator.db.DuckDbAccess;
import io.streamingclicks.validator.db.SqlFile;
import io.streamingclicks.validator.db.Workspace;
import io.streamingclicks.validator.fixture.SparkJobFixtures;
import io.streamingclicks.validator.pipeline.SnapshotReader;

/**
 * The accounting on output the real job wrote from landing files ({@code --source files}), by (landing file, line):
 * spark-job's {@code FileVsKafkaAccountingIT} writes it to fixture {@code files} (and the Kafka variant of the same
 * events to {@code kafka-accounting}; see {@link SparkJobFixtures}), with an {@code input.jsonl} of
 * every event, where the job read it and whether that test's own accounting found it dropped as late. Each copy is
 * moved to another absolute path, so the source log's file paths must be rebased on {@code landing/}.
 */
class FileSourceAccountingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path FILES = SparkJobFixtures.of("files");
    static final Path KAFKA = SparkJobFixtures.of("kafka-accounting");

    @TempDir
    Path tmp;
    Path root;
    Properties props;

    @BeforeEach
    void copyTheFileSourceFixture() throws IOException {
        root = copy(FILES);
        props = props(root);
    }

    Path copy(Path fixture) throws IOException {
        assertThat(SparkJobFixtures.present(fixture))
                .as(SparkJobFixtures.missing(fixture, "FileVsKafkaAccountingIT")).isTrue();
        return SparkJobFixtures.copy(fixture, tmp.resolve(fixture.getFileName() + "-moved"));
    }

    static Properties props(Path root) throws IOException {
        return SparkJobFixtures.properties(root);
    }

    Harness harness(Path dataDir) throws IOException {
        return new Harness(dataDir, SparkJobFixtures.settings(props(dataDir)));
    }

    Map<String, CheckResult> checks(Path dataDir) throws Exception {
        try (Harness h = harness(dataDir)) {
            Map<String, CheckResult> r = Harness.byName(h.runAll());
            r.values().forEach(c -> System.out.println(dataDir.getFileName() + ": " + c));
            return r;
        }
    }

    /** Rows of a named statement over the data root, with the service's workspace. */
    List<Map<String, Object>> rows(Path dataDir, String statement) throws Exception {
        try (Harness h = harness(dataDir);
             Workspace ws = Workspace.open(h.db, SqlFile.load(), SnapshotReader.read(h.settings),
                     h.settings.window().toMillis(), h.settings.uvRsd())) {
            return ws.rows(statement);
        }
    }

    static List<JsonNode> input(Path dataDir) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(dataDir.resolve("input.jsonl"), StandardCharsets.UTF_8)) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    static long landingLines(Path dataDir) throws IOException {
        long n = 0;
        try (Stream<Path> s = Files.list(dataDir.resolve("landing"))) {
            for (Path p : s.toList()) {
                n += Files.readAllLines(p, StandardCharsets.UTF_8).size();
            }
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------ healthy output

    @Test
    void everyAccountingLinkHoldsByFileAndLineAndTheKafkaOnesSayTheyDoNotApply() throws Exception {
        Map<String, CheckResult> r = checks(root);
        assertNoFailure(r);
        long files;
        try (Stream<Path> s = Files.list(root.resolve("landing"))) {
            files = s.count();
        }
        assertThat(r.get("reconciliation_landing_events").status()).isEqualTo(Status.PASS);
        assertThat(r.get("reconciliation_landing_events").detail())
                .startsWith(files + " files, " + landingLines(root) + " lines read and committed: 0 lines missing,"
                        + " 0 rows repeated, 0 files gone");
        assertThat(r.get("reconciliation_events_pv").status()).isEqualTo(Status.PASS);
        assertThat(r.get("reconciliation_events_pv").detail())
                .contains(props.getProperty("dropped_as_late") + " events dropped as late");
        assertThat(Long.parseLong(props.getProperty("dropped_as_late"))).isPositive();
        assertThat(r.get("reconciliation_producer_landing").status()).isEqualTo(Status.PASS);
        assertThat(r.get("reconciliation_producer_landing").detail())
                .containsPattern("0 of [1-9]\\d* settled \\(second, page\\) keys disagree")
                .contains("1 external events");
        assertThat(r.get("completeness").status()).isEqualTo(Status.PASS);
        assertThat(r.get("hll_vs_exact").detail()).startsWith("worst of ");
        for (String kafka : List.of("reconciliation_kafka_events", "reconciliation_producer_kafka")) {
            assertThat(r.get(kafka).status()).as(kafka).isEqualTo(Status.NOT_APPLICABLE);
            assertThat(r.get(kafka).detail()).contains("file source");
        }
    }

    @Test
    void onKafkaOutputTheLandingChecksSayTheyDoNotApply() throws Exception {
        Map<String, CheckResult> r = checks(copy(KAFKA));
        assertNoFailure(r);
        assertThat(r.get("reconciliation_kafka_events").status()).isEqualTo(Status.PASS);
        for (String files : List.of("reconciliation_landing_events", "reconciliation_producer_landing")) {
            assertThat(r.get(files).status()).as(files).isEqualTo(Status.NOT_APPLICABLE);
            assertThat(r.get(files).detail()).contains("comes from Kafka");
        }
    }

    /**
     * The comparison of the two variants through the accounting: in each, per sealed (window, page), pv + the
     * events named as dropped as late = the input events of that key, and the named ones are exactly those the
     * job's own test found dropped, at the same place (partition/offset, or landing file:line).
     */
    @Test
    void inBothVariantsPvPlusTheNamedLateEventsIsEveryInputEvent() throws Exception {
        for (Path dataDir : List.of(root, copy(KAFKA))) {
            boolean files = props(dataDir).getProperty("source").equals("files");
            long sealedMs = SnapshotReader.read(harness(dataDir).settings).sealedMs();
            Map<String, Long> pvPlusDropped = new TreeMap<>();
            try (Harness h = harness(dataDir);
                 Workspace ws = Workspace.open(h.db, SqlFile.load(), SnapshotReader.read(h.settings),
                         h.settings.window().toMillis(), h.settings.uvRsd());
                 Statement s = ws.connection().createStatement();
                 ResultSet rs = s.executeQuery("SELECT epoch_ms(window_start) AS ws, page_id, pv FROM pv"
                         + " WHERE epoch_ms(window_end) <= getvariable('sealed_ms')")) {
                while (rs.next()) {
                    pvPlusDropped.merge(rs.getLong(1) + " " + rs.getString(2), rs.getLong(3), Long::sum);
                }
            }
            Map<String, String> named = new TreeMap<>();
            for (Map<String, Object> l : rows(dataDir, "late_events")) {
                pvPlusDropped.merge(((Instant) l.get("window_start")).toEpochMilli() + " " + l.get("page_id"), 1L,
                        Long::sum);
                named.put((String) l.get("event_id"), files ? l.get("source_file") + ":" + l.get("source_line")
                        : l.get("kafka_partition") + "/" + l.get("kafka_offset"));
            }
            Map<String, Long> inputPerKey = new TreeMap<>();
            Map<String, String> inputDropped = new TreeMap<>();
            for (JsonNode e : input(dataDir)) {
                long ws = e.get("window_start_ms").asLong();
                if (ws + harness(dataDir).settings.window().toMillis() <= sealedMs) {
                    inputPerKey.merge(ws + " " + e.get("page_id").asText(), 1L, Long::sum);
                    if (e.get("dropped").asBoolean()) {
                        inputDropped.put(e.get("event_id").asText(), e.get("position").asText());
                    }
                }
            }
            assertThat(pvPlusDropped).as("%s: pv + named late per (window, page)", dataDir.getFileName())
                    .isEqualTo(inputPerKey);
            assertThat(named).as("%s: the events named as dropped, where", dataDir.getFileName())
                    .isEqualTo(inputDropped).isNotEmpty();
            System.out.printf("%s: %d events named as dropped, e.g. %s%n", dataDir.getFileName(), named.size(),
                    named.entrySet().stream().limit(3).toList());
        }
    }

    @Test
    void queriesSqlRunsOnTheFileSourceOutputAsTheServiceDoes() throws Exception {
        Map<String, Object> service = rows(root, "dq_landing_lines").get(0);
        try (Connection c = DuckDbAccess.offline()) {
            try (PreparedStatement ps = c.prepareStatement("SET VARIABLE data_dir = ?")) {
                ps.setString(1, root.toString());
                ps.execute();
            }
            try (PreparedStatement ps = c.prepareStatement("SET VARIABLE window_ms = ?")) {
                ps.setLong(1, Duration.parse(props.getProperty("WINDOW_DURATION")).toMillis());
                ps.execute();
            }
            SqlFile sql = SqlFile.load();
            try (Statement s = c.createStatement()) {
                for (String name : sql.names()) {
                    for (String stmt : sql.block(name)) {
                        s.execute(stmt);
                    }
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.statement("dq_landing_lines"))) {
                assertThat(rs.next()).isTrue();
                for (String col : List.of("files", "lines", "pending_files", "missing", "repeated", "files_gone")) {
                    assertThat(rs.getLong(col)).as(col).isEqualTo(((Number) service.get(col)).longValue());
                }
                assertThat(rs.getLong("lines")).isEqualTo(landingLines(root));
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.statement("late_events"))) {
                int n = 0;
                while (rs.next()) {
                    assertThat(rs.getString("source_file")).startsWith("clicks-");
                    assertThat(rs.getInt("source_line")).isPositive();
                    n++;
                }
                assertThat(n).isEqualTo(Integer.parseInt(props.getProperty("dropped_as_late")));
            }
        }
    }

    /** {@code make dq} over the file source's output: exit 0 with the landing checks in the table, 1 once broken. */
    @Test
    void oneShotDqPassesOnTheFileSourceOutputAndFailsOnceALineIsLost() throws Exception {
        Map<String, String> config = new HashMap<>(SparkJobFixtures.settings(props));
        config.put("DATA_DIR", root.toString());
        config.put("validator.freshness.warn-lag", "P3650D");
        config.put("validator.freshness.fail-lag", "P3650D");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.util.function.IntSupplier dq = () -> OneShotDq.run(new io.smallrye.config.SmallRyeConfigBuilder()
                .withSources(new io.smallrye.config.PropertiesConfigSource(config, "test", 500)).build(),
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(dq.getAsInt()).as(out.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .containsPattern("reconciliation_landing_events +PASS")
                .containsPattern("reconciliation_producer_landing +PASS")
                .containsPattern("reconciliation_kafka_events +NOT_APPLICABLE");
        out.reset();
        rewrite("events", "event_id = 'on-5'", "delete");
        assertThat(dq.getAsInt()).as(out.toString(StandardCharsets.UTF_8)).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("reconciliation_landing_events +FAIL")
                .contains(position("on-5") + " missing");
    }

    // ------------------------------------------------------------------------------------------ broken output

    /** Every committed Parquet file of a sink holding rows that {@code where} selects, rewritten by DuckDB. */
    void rewrite(String sink, String where, String change) throws Exception {
        List<Path> files = CommittedOutput.read(root.resolve("parquet").resolve(sink)).files();
        int changed = 0;
        try (Connection c = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
             Statement s = c.createStatement()) {
            for (Path f : files) {
                String read = "read_parquet('" + f + "', hive_partitioning = false)";
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + read + " WHERE " + where)) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        continue;
                    }
                }
                Path tmpFile = f.resolveSibling(f.getFileName() + ".rewritten");
                String rows = switch (change) {
                    case "delete" -> "SELECT * FROM " + read + " WHERE (" + where + ") IS NOT TRUE";
                    case "duplicate" -> "SELECT * FROM " + read + " UNION ALL SELECT * FROM " + read + " WHERE " + where;
                    default -> throw new IllegalArgumentException(change);
                };
                s.execute("COPY (" + rows + ") TO '" + tmpFile + "' (FORMAT parquet)");
                Files.move(tmpFile, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                changed++;
            }
        }
        // Every committed file with such rows: one landing file's events can span hour partitions, hence files.
        if (changed == 0) {
            throw new AssertionError("no committed " + sink + " row where " + where);
        }
    }

    /** Where the job read an on-time event, as FileVsKafkaAccountingIT recorded it: "file:line". */
    String position(String eventId) throws IOException {
        return input(root).stream().filter(e -> eventId.equals(e.path("event_id").asText(null))).findFirst()
                .orElseThrow().get("position").asText();
    }

    @Test
    void aLineWhoseRowIsGoneFailsNamingFileAndLine() throws Exception {
        rewrite("events", "event_id = 'on-17'", "delete");
        CheckResult c = checks(root).get("reconciliation_landing_events");
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.value()).as(c.detail()).isEqualTo(1.0);
        assertThat(c.detail()).contains("1 lines missing").contains(position("on-17") + " missing");
    }

    @Test
    void aRepeatedRowFailsNamingFileAndLine() throws Exception {
        rewrite("events", "event_id = 'on-120'", "duplicate");
        Map<String, CheckResult> r = checks(root);
        CheckResult c = r.get("reconciliation_landing_events");
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.detail()).contains("1 rows repeated").contains(position("on-120") + " repeated");
        assertThat(r.get("event_id_unique").status()).isEqualTo(Status.FAIL);
    }

    @Test
    void aQuarantinedLineWhoseRowIsGoneFailsNamingItsLine() throws Exception {
        rewrite("quarantine", "raw LIKE '{\"user_id\":\"u1\",\"page_id\":'", "delete");
        CheckResult c = checks(root).get("reconciliation_landing_events");
        assertThat(c.status()).isEqualTo(Status.FAIL);
        // The malformed line follows on-100 and the external event in the first file.
        String on100 = position("on-100");
        int line = Integer.parseInt(on100.substring(on100.indexOf(':') + 1)) + 2;
        assertThat(c.detail()).contains(on100.substring(0, on100.indexOf(':')) + ":" + line + " missing");
    }

    @Test
    void aReadFileGoneFromLandingFailsNamingIt() throws Exception {
        String file = position("late-0").split(":")[0];
        Files.delete(root.resolve("landing").resolve(file));
        CheckResult c = checks(root).get("reconciliation_landing_events");
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.detail()).contains("1 files gone from landing/").contains(file + " file_gone");
    }

    @Test
    void aFileWhoseRowsAreAllGoneFailsNamingEachLine() throws Exception {
        String file = position("late-0").split(":")[0];
        rewrite("events", "source_file = '" + file + "'", "delete");
        CheckResult c = checks(root).get("reconciliation_landing_events");
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.detail()).contains("30 lines missing").contains(file + ":1 missing").contains(file + ":2 missing");
    }

    @Test
    void aPvThatDoesNotMatchTheCountedEventsFailsLinkThree() throws Exception {
        // Drop one counted event: pv now exceeds what the accounting says the windows query counted.
        rewrite("events", "event_id = 'on-30'", "delete");
        assertThat(checks(root).get("reconciliation_events_pv").status()).isEqualTo(Status.FAIL);
    }

    @Test
    void aLedgerThatAcknowledgedMoreThanTheEventsFailsLinkOne() throws Exception {
        Path ledger;
        try (Stream<Path> s = Files.list(root.resolve("ledger"))) {
            ledger = s.findFirst().orElseThrow();
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(ledger, StandardCharsets.UTF_8));
        lines.add(lines.get(0).replaceFirst("\"acked\":\\d+", "\"acked\":1"));
        Files.write(ledger, lines, StandardCharsets.UTF_8);
        CheckResult c = checks(root).get("reconciliation_producer_landing");
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.detail()).contains("1 events lost");
    }

    @Test
    void aKeyWithALineInAFileNotYetCommittedIsPendingNotLost() throws Exception {
        // The producer acknowledged one more event of an existing key in a file the job has not read yet.
        Path ledger;
        try (Stream<Path> s = Files.list(root.resolve("ledger"))) {
            ledger = s.findFirst().orElseThrow();
        }
        JsonNode first = JSON.readTree(Files.readAllLines(ledger, StandardCharsets.UTF_8).get(0));
        List<String> lines = new ArrayList<>(Files.readAllLines(ledger, StandardCharsets.UTF_8));
        lines.add(lines.get(0).replaceFirst("\"acked\":\\d+", "\"acked\":1"));
        Files.write(ledger, lines, StandardCharsets.UTF_8);
        Files.writeString(root.resolve("landing").resolve("clicks-9999.jsonl"), "{\"event_id\":\"new-1\",\"user_id\":"
                + "\"u1\",\"page_id\":\"" + first.get("page_id").asText() + "\",\"event_time\":\""
                + first.get("second").asText() + "\"}\n", StandardCharsets.UTF_8);
        CheckResult c = checks(root).get("reconciliation_producer_landing");
        assertThat(c.status()).as(c.toString()).isEqualTo(Status.PASS);
        assertThat(c.detail()).contains("1 keys pending in 1 uncommitted landing files");
    }

    /** Freshness is left out: it measures the fixture's age on the wall clock, which these tests do not pin. */
    static void assertNoFailure(Map<String, CheckResult> r) {
        assertThat(r.values()).filteredOn(c -> !c.check().equals("freshness"))
                .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isNotEqualTo(Status.FAIL));
    }
}
