package io.streamingclicks.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamingclicks.accounting.ledger.LedgerKey;
import io.streamingclicks.accounting.spark.FileSourceLog;
import io.streamingclicks.contract.ClickEventContract;
import io.streamingclicks.job.options.JobOptions;
import io.streamingclicks.job.support.Checkpoints;
import io.streamingclicks.job.support.Committed;
import io.streamingclicks.job.support.Events;
import io.streamingclicks.job.support.Landing;
import io.streamingclicks.job.support.Link3;
import io.streamingclicks.job.support.SharedKafka;
import io.streamingclicks.job.support.TestSpark;
import io.streamingclicks.job.support.ValidatorFixtures;
import io.streamingclicks.kafka.KafkaCluster;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same events, some of them late beyond the watermark, through the Kafka source (the real 3-broker cluster) and
 * through the landing files: the two split batches differently, so their pv may differ, but in both, per sealed
 * (window, page), pv + the events link 3 (docs/accounting.md) names as dropped as late = the distinct input events
 * of that key, and the named ones are exactly the input events pv does not count. Reads only durable state
 * (checkpoints, committed output). The file variant's data root (with its landing files and a producer ledger) is
 * written to fixture {@code files} and the Kafka variant's to fixture {@code kafka-accounting}
 * ({@link ValidatorFixtures}, shipped in this module's test jar) for validator-service's file-source accounting tests.
 */
@ExtendWith(SharedKafka.class)
class FileVsKafkaAccountingIT {

    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Duration WATERMARK = Duration.ofMinutes(1);
    private static final Instant T = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(30));
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KafkaCluster cluster;
    private static SparkSession spark;

    @TempDir
    Path tmp;

    /** One input line: an event (id may be null: external) or a bad record (time null). */
    record Line(String id, String user, String page, Instant time, String text) {
        long windowStart() {
            return time.toEpochMilli() / WINDOW.toMillis() * WINDOW.toMillis();
        }
    }

    /**
     * The input in phases, each read completely before the next is fed. The variants differ only in how the clock
     * and the racy events are split: one landing file holds both (one batch), while Kafka gets the racy events only
     * once the pv query has committed the clock's watermark (later batches).
     */
    record Input(List<Line> onTime, List<Line> clock, List<Line> racy, List<Line> late, List<Line> finalClock) {
        List<List<Line>> kafkaPhases() {
            return List.of(onTime, clock, racy, late, finalClock);
        }

        List<List<Line>> filePhases() {
            List<Line> clockAndRacy = new ArrayList<>(clock);
            clockAndRacy.addAll(racy);
            return List.of(onTime, clockAndRacy, late, finalClock);
        }

        List<Line> all() {
            return kafkaPhases().stream().flatMap(List::stream).toList();
        }
    }

    @BeforeAll
    static void start(KafkaCluster shared) {
        cluster = shared;
        spark = TestSpark.get();
    }

    private static Instant at(int minutes, int seconds) {
        return T.plus(Duration.ofMinutes(minutes)).plusSeconds(seconds);
    }

    private static Line event(String id, String user, String page, Instant time) {
        String text = "{" + (id == null ? "" : "\"" + ClickEventContract.EVENT_ID + "\":\"" + id + "\",")
                + "\"" + ClickEventContract.USER_ID + "\":\"" + user + "\",\""
                + ClickEventContract.PAGE_ID + "\":\"" + page + "\",\""
                + ClickEventContract.EVENT_TIME + "\":\"" + ClickEventContract.formatEventTime(time) + "\",\""
                + ClickEventContract.ACTION + "\":\"view\",\"" + ClickEventContract.DURATION_MS + "\":100}";
        return new Line(id, user, page, time, text);
    }

    private static Line bad(String text) {
        return new Line(null, null, null, null, text);
    }

    /**
     * 150 on-time events in windows 0..5 (plus an external one without event_id and two bad records; their
     * watermark, about minute 5, seals windows 0..3); then a clock event at minute 9 (watermark minute 8 seals
     * windows 4..7) and 20 racy events of window 4: counted if read in the clock's batch, dropped if read after the
     * pv query committed the clock's watermark; then, once the pv query has committed that watermark, 30 events of windows 1 and 3, late beyond
     * doubt; then a clock at minute 19.
     */
    static Input input() {
        Random r = new Random(11);
        List<Line> onTime = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            onTime.add(event("on-" + i, "u" + r.nextInt(60), "/p" + Math.min(r.nextInt(5), r.nextInt(5)),
                    at(i * 6 / 150, (i * 7) % 60)));
            if (i == 100) {
                onTime.add(event(null, "console-user", "/p1", at(2, 30)));
                onTime.add(bad("{\"user_id\":\"u1\",\"page_id\":"));
                onTime.add(bad("{\"page_id\":\"/p1\",\"event_time\":\"" + at(2, 31) + "\"}"));
            }
        }
        List<Line> racy = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            racy.add(event("racy-" + i, "u" + r.nextInt(60), "/p" + (i % 3), at(4, i)));
        }
        List<Line> late = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            late.add(event("late-" + i, "u" + r.nextInt(60), "/p" + (i % 4), at(i % 2 == 0 ? 1 : 3, i)));
        }
        return new Input(onTime, List.of(event("clock-1", "clock", "/clock", at(9, 0))), racy, late,
                List.of(event("clock-2", "clock", "/clock", at(19, 0))));
    }

    @Test
    void pvPlusDroppedAsLateIsEveryInputEventInBothVariants() throws Exception {
        Input in = input();

        // Kafka: the racy events only after the clock's watermark is committed.
        Instant started = Instant.now();
        String topic = cluster.createRandomTopic();
        Path kafkaRoot = tmp.resolve("kafka");
        Map<String, String> kafkaPosition = new HashMap<>(); // event_id -> "partition/offset"
        try (Events producer = new Events(cluster.bootstrapServers(), topic)) {
            ClickJob job = start(kafkaRoot, "--bootstrap-servers", cluster.bootstrapServers(), "--topic", topic);
            try {
                for (List<Line> phase : in.kafkaPhases()) {
                    List<RecordMetadata> acks = producer.sendRaw(phase.stream().map(Line::text).toList());
                    for (int i = 0; i < phase.size(); i++) {
                        if (phase.get(i).id() != null) {
                            kafkaPosition.put(phase.get(i).id(), acks.get(i).partition() + "/" + acks.get(i).offset());
                        }
                    }
                    long total = producer.sent();
                    awaitAll(job, () -> Checkpoints.committedRecords(kafkaRoot.resolve("chk/ingest")) >= total
                            && Checkpoints.windowsCaughtUp(kafkaRoot));
                    if (phase == in.clock()) {
                        awaitPvWatermark(job, kafkaRoot, at(8, 0));
                    }
                }
                awaitPvWatermark(job, kafkaRoot, at(18, 0));
            } finally {
                job.stopGracefully(Duration.ofSeconds(20));
            }
        }

        System.out.printf("kafka variant ran in %d s%n", Duration.between(started, Instant.now()).toSeconds());
        started = Instant.now();

        // Files: one landing file per phase; the clock and the racy events share a file, hence a batch.
        Path filesRoot = tmp.resolve("files");
        Path landing = filesRoot.resolve("landing");
        Map<String, String> fileLine = new HashMap<>(); // event_id -> "file:line" (1-based)
        ClickJob job = start(filesRoot, "--source", "files");
        try {
            int n = 0;
            List<String> written = new ArrayList<>();
            List<List<Line>> phases = in.filePhases();
            for (List<Line> phase : phases) {
                String name = "clicks-" + (1000 + n++) + ".jsonl";
                Landing.write(landing, name, phase.stream().map(Line::text).toList());
                for (int i = 0; i < phase.size(); i++) {
                    if (phase.get(i).id() != null) {
                        fileLine.put(phase.get(i).id(), name + ":" + (i + 1));
                    }
                }
                written.add(name);
                Set<String> files = Set.copyOf(written);
                awaitAll(job, () -> FileSourceLog.committed(filesRoot.resolve("chk/ingest")).orElse(Set.of())
                        .containsAll(files) && Checkpoints.windowsCaughtUp(filesRoot));
                if (phase == phases.get(1)) {
                    awaitPvWatermark(job, filesRoot, at(8, 0));
                }
            }
            awaitPvWatermark(job, filesRoot, at(18, 0));
        } finally {
            job.stopGracefully(Duration.ofSeconds(20));
        }

        System.out.printf("file variant ran in %d s%n", Duration.between(started, Instant.now()).toSeconds());

        Map<String, Long> expected = expectedPerKey(in, at(18, 0));
        Accounting kafka = account(kafkaRoot, false);
        Accounting files = account(filesRoot, true);
        for (Accounting a : List.of(kafka, files)) {
            String variant = a == kafka ? "kafka" : "files";
            // Every input event is in committed events exactly once, named by its position in the source.
            assertThat(a.positionById()).as("%s: events by id", variant)
                    .isEqualTo(a == kafka ? kafkaPosition : fileLine);
            Map<String, Long> pvPlusDropped = new TreeMap<>(a.pv());
            a.dropped().forEach((key, ids) -> pvPlusDropped.merge(key, (long) ids.size(), Long::sum));
            assertThat(pvPlusDropped).as("%s: pv + dropped as late per (window, page)", variant)
                    .isEqualTo(expected);
            // The dropped ones named are exactly the input events pv does not count: every on-time event is counted
            // (pv = its events minus the named ones), every surely late one is named.
            Set<String> named = new TreeSet<>();
            a.dropped().values().forEach(named::addAll);
            assertThat(named).as("%s: dropped events", variant)
                    .allMatch(id -> id.startsWith("late-") || id.startsWith("racy-"))
                    .containsAll(in.late().stream().map(Line::id).toList());
            for (Map.Entry<String, Long> e : a.pv().entrySet()) {
                long counted = a.counted().getOrDefault(e.getKey(), Set.of()).size();
                assertThat(e.getValue()).as("%s: pv of %s = the events counted", variant, e.getKey())
                        .isEqualTo(counted);
            }
            System.out.printf("%s variant: %d dropped as late (%d racy), e.g. %s%n", variant, named.size(),
                    named.stream().filter(id -> id.startsWith("racy-")).count(),
                    named.stream().limit(3).map(id -> id + " at " + a.positionById().get(id)).toList());
        }
        // Split differently, the variants differ: the file variant counted the racy events with the clock, Kafka
        // read them after the clock's window had sealed and dropped them, and pv differs by exactly those.
        List<String> racyIds = in.racy().stream().map(Line::id).toList();
        assertThat(files.dropped().values().stream().flatMap(Set::stream)).noneMatch(racyIds::contains);
        assertThat(kafka.dropped().values().stream().flatMap(Set::stream).toList()).containsAll(racyIds);
        Map<String, Long> diff = new TreeMap<>();
        files.pv().forEach((k, v) -> diff.put(k, v - kafka.pv().getOrDefault(k, 0L)));
        diff.values().removeIf(v -> v == 0);
        Map<String, Long> racyPerKey = new TreeMap<>();
        in.racy().forEach(l -> racyPerKey.merge(l.windowStart() + " " + l.page(), 1L, Long::sum));
        assertThat(diff).as("pv files - kafka per (window, page)").isEqualTo(racyPerKey);
        System.out.printf("pv files - kafka per (window, page), where they differ: %s%n", diff);

        writeFixture(filesRoot, "files", in, files, true);
        writeFixture(kafkaRoot, "kafka-accounting", in, kafka, false);
    }

    /** Distinct input events per (window start ms, page) of the windows sealed by {@code sealedAt}. */
    private static Map<String, Long> expectedPerKey(Input in, Instant sealedAt) {
        Map<String, Set<String>> ids = new TreeMap<>();
        int external = 0;
        for (Line l : in.all()) {
            if (l.time() == null || l.windowStart() + WINDOW.toMillis() > sealedAt.toEpochMilli()) {
                continue;
            }
            ids.computeIfAbsent(l.windowStart() + " " + l.page(), k -> new TreeSet<>())
                    .add(l.id() == null ? "external-" + external++ : l.id());
        }
        Map<String, Long> out = new TreeMap<>();
        ids.forEach((k, v) -> out.put(k, (long) v.size()));
        return out;
    }

    // ---------------------------------------------------------------------------------------------- accounting

    /**
     * Link 3 (docs/accounting.md) from durable state, per sealed (window, page): committed pv, and the committed
     * events the pv query counted or dropped as late, by event id; each event's position in the source
     * (partition/offset, or file:line where the line is the event's line in the landing file).
     */
    record Accounting(Map<String, Long> pv, Map<String, Set<String>> counted, Map<String, Set<String>> dropped,
                      Map<String, String> positionById) {
    }

    private static Accounting account(Path root, boolean fromFiles) throws IOException {
        Link3 link3 = Link3.read(root);
        long sealedMs = Checkpoints.committedWatermarkMs(root.resolve("chk/windows"));
        Map<String, Long> pv = new TreeMap<>();
        for (Row r : Committed.rows(spark, root.resolve("parquet/pv"), "select window_start, page_id, pv from t")) {
            long ws = r.getTimestamp(0).toInstant().toEpochMilli();
            if (ws + WINDOW.toMillis() <= sealedMs) {
                pv.merge(ws + " " + r.getString(1), r.getLong(2), Long::sum);
            }
        }
        Map<String, List<String>> lines = fromFiles ? landingLines(root.resolve("landing")) : Map.of();
        Map<String, Set<String>> counted = new TreeMap<>();
        Map<String, Set<String>> dropped = new TreeMap<>();
        Map<String, String> position = new HashMap<>();
        String cols = fromFiles ? "source_file" : "kafka_partition, kafka_offset";
        for (Row r : Committed.rows(spark, root.resolve("parquet/events"),
                "select event_id, page_id, event_time, " + cols + ", input_file_name() from t")) {
            long ws = r.getTimestamp(2).toInstant().toEpochMilli() / WINDOW.toMillis() * WINDOW.toMillis();
            Instant windowEnd = Instant.ofEpochMilli(ws + WINDOW.toMillis());
            String id = r.isNullAt(0) ? "external@" + (fromFiles ? r.getString(3) : r.get(3) + "/" + r.get(4))
                    : r.getString(0);
            boolean isCounted;
            if (fromFiles) {
                String file = r.getString(3);
                // The job carries no line number: the line is found by the event's id in the file read.
                List<String> l = lines.get(file);
                int line = l == null || r.isNullAt(0) ? -1 : indexOfId(l, r.getString(0)) + 1;
                if (!r.isNullAt(0)) {
                    assertThat(position.put(id, file + ":" + line)).as("event %s read twice", id).isNull();
                }
                isCounted = link3.counted(windowEnd, r.getString(4));
            } else {
                if (!r.isNullAt(0)) {
                    assertThat(position.put(id, r.getInt(3) + "/" + r.getLong(4))).as("event %s read twice", id)
                            .isNull();
                }
                isCounted = link3.counted(windowEnd, r.getString(5));
            }
            if (ws + WINDOW.toMillis() > sealedMs) {
                continue;
            }
            String key = ws + " " + r.getString(1);
            (isCounted ? counted : dropped).computeIfAbsent(key, k -> new TreeSet<>()).add(id);
        }
        return new Accounting(pv, counted, dropped, position);
    }

    private static int indexOfId(List<String> lines, String id) {
        for (int i = 0; i < lines.size(); i++) {
            JsonNode n = readJson(lines.get(i));
            if (n != null && id.equals(n.path(ClickEventContract.EVENT_ID).asText(null))) {
                return i;
            }
        }
        return -2;
    }

    private static JsonNode readJson(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException notJson) {
            return null;
        }
    }

    private static Map<String, List<String>> landingLines(Path landing) throws IOException {
        Map<String, List<String>> out = new HashMap<>();
        try (Stream<Path> s = Files.list(landing)) {
            for (Path p : s.filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                out.put(p.getFileName().toString(), Files.readAllLines(p, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------- fixture

    /**
     * Copies the data root and adds what the validator needs to check it: the producer ledger those events would
     * have (LedgerCodec, one count line per (second, page, lateness); the landing mode writes no offset lines),
     * and {@code fixture.properties} with the settings and the expected figures.
     */
    private static void writeFixture(Path root, String name, Input in, Accounting a, boolean files) throws IOException {
        Path fixture = ValidatorFixtures.copy(root, name, files ? List.of("chk", "parquet", "progress", "landing")
                : List.of("chk", "parquet", "progress"));
        if (files) {
            ValidatorFixtures.writeLedger(fixture, T, in.all().stream().filter(l -> l.id() != null)
                    .map(l -> new LedgerKey(l.time().getEpochSecond(), l.page(),
                            l.id().startsWith("late-") || l.id().startsWith("racy-")))
                    .toList(), Map.of());
        }
        Properties p = ValidatorFixtures.settings(WINDOW, WATERMARK, "0.01");
        p.setProperty("source", files ? "files" : "kafka");
        long dropped = a.dropped().values().stream().mapToLong(Set::size).sum();
        p.setProperty("dropped_as_late", Long.toString(dropped));
        p.setProperty("pv_total", Long.toString(a.pv().values().stream().mapToLong(Long::longValue).sum()));
        // The input, one JSON line per event (external ones without id) with its key, where the job read it and
        // whether this test's accounting found it dropped as late, for the validator to compare with its own.
        Set<String> droppedIds = new HashSet<>();
        a.dropped().values().forEach(droppedIds::addAll);
        List<String> input = new ArrayList<>();
        for (Line l : in.all()) {
            if (l.time() != null) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("event_id", l.id());
                line.put("window_start_ms", l.windowStart());
                line.put("page_id", l.page());
                line.put("position", l.id() == null ? null : a.positionById().get(l.id()));
                line.put("dropped", l.id() != null && droppedIds.contains(l.id()));
                input.add(JSON.writeValueAsString(line));
            }
        }
        Files.write(fixture.resolve("input.jsonl"), input, StandardCharsets.UTF_8);
        ValidatorFixtures.store(fixture, p, "FileVsKafkaAccountingIT");
    }

    // ---------------------------------------------------------------------------------------------- plumbing

    private static ClickJob start(Path root, String... extra) {
        List<String> args = new ArrayList<>(List.of("--data-dir", root.toString(), "--trigger", "300 ms",
                "--window", "1 minute", "--watermark", "1 minute"));
        args.addAll(List.of(extra));
        return ClickJob.start(spark, JobOptions.parse(args.toArray(String[]::new), Map.of()));
    }

    private static void awaitAll(ClickJob job, BooleanSupplier done) {
        try {
            await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (job.failed() != null) {
                    throw new AssertionError("query " + job.failed().name() + " failed",
                            job.failed().exception().get());
                }
                return done.getAsBoolean();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder state = new StringBuilder();
            job.queries().forEach(q -> state.append(q.name()).append(": ").append(q.lastProgress() == null ? "-"
                    : q.lastProgress().batchId() + " " + q.lastProgress().eventTime()).append("; "));
            throw new AssertionError("timed out; queries at " + state, e);
        }
    }

    /** Waits until the windows query has committed a batch whose watermark is at or past {@code at}. */
    private static void awaitPvWatermark(ClickJob job, Path root, Instant at) {
        awaitAll(job, () -> Checkpoints.committedWatermarkMs(root.resolve("chk/windows")) >= at.toEpochMilli());
    }
}
