package io.streamingclicks.job;

import io.streamingclicks.job.sink.CommittedSink;
import io.streamingclicks.job.support.Checkpoints;
import io.streamingclicks.job.support.Committed;
import io.streamingclicks.job.support.Events;
import io.streamingclicks.job.support.JobProcess;
import io.streamingclicks.job.support.JobProcesses;
import io.streamingclicks.job.support.Landing;
import io.streamingclicks.job.support.Link3;
import io.streamingclicks.job.support.TestSpark;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static io.streamingclicks.job.support.EventTimes.T;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commit protocol of the windows query's outputs in the shaded jar ({@code --source files --topn 3}, 1-minute
 * windows). The job's test-only halt ({@link CommittedSink#HALT_AFTER_COMMIT}) stops the JVM right after one output
 * committed a batch ({@code _spark_metadata/N}), before the outputs written after it and before the checkpoint's
 * {@code commits/N}: a moment a SIGKILL from outside cannot be aimed at. Spark redoes batch N at the restart; the
 * outputs that committed it keep it untouched, the others write it once. A new checkpoint over committed outputs,
 * and a data root of the previous layout, are refused at start.
 */
class OutputCrashIT {

    private static final int N = 3;
    /** The order in which a windows batch writes its outputs (WindowsBatch). */
    private static final List<String> WRITE_ORDER = List.of("pv", "uv", "topn");
    private static final Pattern LOG_PATH = Pattern.compile("\"path\":\"([^\"]+)\"");

    @RegisterExtension
    final JobProcesses jobs = new JobProcesses();
    private final SparkSession spark = TestSpark.get();
    @TempDir
    Path tmp;

    /** Events of minute {@code m}: pages /p0../p5 with counts that differ per minute, with ties. */
    private static List<String> minute(int m) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            int count = 1 + (k * 7 + m * 3) % 5;
            for (int i = 0; i < count; i++) {
                out.add(Events.json("e-" + m + "-" + k + "-" + i, "u" + i, "/p" + k,
                        T.plus(Duration.ofMinutes(m)).plusSeconds(i * 5L + k), "view"));
            }
        }
        return out;
    }

    /** Writes landing files for minutes {@code from} .. {@code to - 1}. */
    private static void writeMinutes(Path landing, int from, int to) {
        for (int m = from; m < to; m++) {
            Landing.write(landing, "clicks-" + String.format("%04d", m) + ".jsonl", minute(m));
        }
    }

    /** An event far enough ahead to seal every window before minute {@code minutes}. */
    private static void writeClock(Path landing, int minutes) {
        Landing.write(landing, "clicks-clock-" + minutes + ".jsonl",
                List.of(Events.json("clock-" + minutes, "clock", "/clock", T.plus(Duration.ofMinutes(minutes + 5)),
                        "view")));
    }

    private JobProcess startJob(Path root, String... jvmOptions) {
        List<String> args = new ArrayList<>(List.of("--source", "files"));
        args.addAll(List.of(JobProcesses.minuteWindows(root, "--topn", Integer.toString(N))));
        return jobs.start(List.of(jvmOptions), root, args.toArray(String[]::new));
    }

    /**
     * Halted right after {@code sink} committed windows batch N: at the restart Spark redoes N, every output written
     * up to {@code sink} skips it (its log entry and files untouched), the outputs after it write it once; one uv row
     * and one ranking per window, equal to the Top-N of committed pv, and link 3 exact.
     */
    @ParameterizedTest(name = "halted after {0} committed")
    @ValueSource(strings = {"pv", "uv"})
    void aBatchCommittedByAnOutputBeforeTheCheckpointIsSkippedByItWhenRedoneAndWrittenOnceByTheOthers(String sink)
            throws Exception {
        Path root = tmp.resolve("data");
        Path landing = root.resolve("landing");
        Path chk = root.resolve("chk/windows");
        writeMinutes(landing, 0, 8);

        JobProcess halted = startJob(root, "-D" + CommittedSink.HALT_AFTER_COMMIT + "=" + sink);
        assertThat(halted.awaitExit(Duration.ofSeconds(180)))
                .as("exit status of the job halted by %s=%s; log ends:%n%s", CommittedSink.HALT_AFTER_COMMIT, sink,
                        halted.logTail())
                .isEqualTo(CommittedSink.HALT_STATUS);
        long id = Checkpoints.lastBatch(chk);
        assertThat(chk.resolve("offsets/" + id)).as("windows batch %d planned", id).exists();
        assertThat(chk.resolve("commits/" + id)).as("windows batch %d not committed by Spark", id).doesNotExist();
        List<String> skipping = WRITE_ORDER.subList(0, WRITE_ORDER.indexOf(sink) + 1);
        List<String> writing = WRITE_ORDER.subList(skipping.size(), WRITE_ORDER.size());
        Map<String, Map<String, String>> before = new TreeMap<>();
        for (String output : skipping) {
            Path dir = root.resolve("parquet").resolve(output);
            assertThat(Committed.latestBatch(dir)).as("%s committed batch %d", output, id).isEqualTo(id);
            before.put(output, batchFiles(dir, id));
            assertThat(before.get(output).keySet()).as("files of %s's batch %d", output, id)
                    .anyMatch(f -> f.endsWith(".parquet"));
        }
        for (String output : writing) {
            assertThat(Committed.latestBatch(root.resolve("parquet").resolve(output)))
                    .as("%s has not committed batch %d", output, id).isLessThan(id);
        }

        writeMinutes(landing, 8, 12);
        JobProcess job = startJob(root);
        writeClock(landing, 12);
        job.awaitWindowsWatermark(T.plus(Duration.ofMinutes(12)), Duration.ofSeconds(180));
        job.assertStopsCleanly();
        Checkpoints.assertEveryPlannedBatchCommitted(root, Committed.QUERIES);

        assertThat(chk.resolve("commits/" + id)).as("Spark redid windows batch %d and committed it", id).exists();
        for (String output : skipping) {
            assertThat(batchFiles(root.resolve("parquet").resolve(output), id))
                    .as("%s's _spark_metadata/%d and its files after Spark redid the batch: the same names, sizes"
                            + " and modification times", output, id)
                    .isEqualTo(before.get(output));
        }
        for (String output : writing) {
            assertThat(Committed.latestBatch(root.resolve("parquet").resolve(output)))
                    .as("%s committed batch %d at the restart", output, id).isGreaterThanOrEqualTo(id);
        }
        assertThat(Committed.rows(spark, root.resolve("parquet/pv"),
                "select window_start, page_id from t group by 1, 2 having count(*) > 1")).isEmpty();
        assertThat(Committed.rows(spark, root.resolve("parquet/uv"),
                "select window_start from t group by 1 having count(*) > 1")).as("windows with two uv rows").isEmpty();
        assertThat(Committed.rows(spark, root.resolve("parquet/uv"), "select distinct window_start from t"))
                .as("windows in uv").hasSameSizeAs(Committed.rows(spark, root.resolve("parquet/pv"),
                        "select distinct window_start from t"));
        assertOneRankingPerWindowEqualToPv(root, 12);
        Link3.assertPvIsTheCountedEvents(spark, root, T, T.plus(Duration.ofMinutes(11)), Duration.ofMinutes(1));

        if (sink.equals("pv")) {
            aNewCheckpointOverCommittedOutputsIsRefused(root);
        }
    }

    /** A new chk/windows over committed outputs would restart at batch 0 and skip their batches: refused at start. */
    private void aNewCheckpointOverCommittedOutputsIsRefused(Path root) throws IOException {
        Path chk = root.resolve("chk/windows");
        Map<String, Map<String, String>> committed = new TreeMap<>();
        for (String output : WRITE_ORDER) {
            committed.put(output, allFiles(root.resolve("parquet").resolve(output)));
        }
        Files.move(chk, root.resolve("chk/windows-moved-away"));
        JobProcess refused = startJob(root);
        assertThat(refused.awaitExit(Duration.ofSeconds(120)))
                .as("exit status with a new chk/windows; log ends:%n%s", refused.logTail()).isEqualTo(1);
        assertThat(errorLines(refused)).singleElement().asString()
                .containsPattern("output file:" + Pattern.quote(root.resolve("parquet").toString())
                        + "/(uv|pv|topn) of query 'windows' already has committed batches")
                .contains("its checkpoint file:" + chk + " is new")
                .contains("Restore the checkpoint that wrote it, or use a new output directory");
        for (String output : WRITE_ORDER) {
            assertThat(allFiles(root.resolve("parquet").resolve(output))).as("%s after the refusal", output)
                    .isEqualTo(committed.get(output));
        }
        assertThat(chk.resolve("offsets")).doesNotExist();
    }

    /** A data root the per-sink job wrote is refused before any query starts, pointing at {@code make reset}. */
    @Test
    void aDataRootOfThePreviousLayoutIsRefusedAtStart() throws Exception {
        Path oldCheckpoint = tmp.resolve("old-checkpoint");
        Files.createDirectories(oldCheckpoint.resolve("chk/pv"));
        Path oldTopn = tmp.resolve("old-topn");
        Files.createDirectories(oldTopn.resolve("parquet/topn/batch_id=0"));
        // Both at once: each is a JVM start, and they share nothing.
        JobProcess first = startJob(oldCheckpoint);
        JobProcess second = startJob(oldTopn);
        for (JobProcess job : List.of(first, second)) {
            assertThat(job.awaitExit(Duration.ofSeconds(120)))
                    .as("exit status on %s; log ends:%n%s", job.root, job.logTail()).isEqualTo(1);
            assertThat(job.root.resolve("chk/ingest")).as("no query started").doesNotExist();
        }
        assertThat(errorLines(first)).singleElement().asString()
                .contains("was written by the previous version of the job")
                .contains(oldCheckpoint.resolve("chk/pv").toString())
                .contains("make reset");
        assertThat(errorLines(second)).singleElement().asString()
                .contains("was written by the previous version of the job")
                .contains(oldTopn.resolve("parquet/topn/batch_id=0").toString())
                .contains("make reset");
    }

    /** At least {@code windows} sealed windows; each has ranks 1..k once, equal to the Top-N of committed pv. */
    private void assertOneRankingPerWindowEqualToPv(Path root, int windows) {
        // Expected: rank pv of each window here (ties by page_id ascending), independently of the job's code.
        Map<String, List<String>> expected = new TreeMap<>();
        Map<String, List<Row>> byWindow = new TreeMap<>();
        Committed.rows(spark, root.resolve("parquet/pv"), "select window_start, page_id, pv from t")
                .forEach(r -> byWindow.computeIfAbsent(r.getTimestamp(0).toInstant().toString(),
                        w -> new ArrayList<>()).add(r));
        byWindow.forEach((w, rows) -> expected.put(w, rows.stream()
                .sorted(Comparator.<Row>comparingLong(r -> -r.getLong(2)).thenComparing(r -> r.getString(1)))
                .limit(N).map(r -> r.getString(1) + "=" + r.getLong(2)).toList()));

        Map<String, List<String>> actual = new TreeMap<>();
        Committed.rows(spark, root.resolve("parquet/topn"), "select window_start, rank, page_id, pv from t")
                .forEach(r -> actual.computeIfAbsent(r.getTimestamp(0).toInstant().toString(), k -> new ArrayList<>())
                        .add(r.getInt(1) + ":" + r.getString(2) + "=" + r.getLong(3)));
        Map<String, List<String>> actualRanked = new TreeMap<>();
        actual.forEach((w, rows) -> {
            List<String> sorted = rows.stream().sorted().toList();
            // Exactly one ranking: ranks 1..k once each, no second one from a redone batch.
            assertThat(sorted).as("ranks of window %s", w).extracting(s -> s.substring(0, s.indexOf(':')))
                    .containsExactly(IntStream.rangeClosed(1, sorted.size()).mapToObj(Integer::toString)
                            .toArray(String[]::new));
            actualRanked.put(w, sorted.stream().map(s -> s.substring(s.indexOf(':') + 1)).toList());
        });
        assertThat(expected).as("sealed windows in committed pv").hasSizeGreaterThanOrEqualTo(windows);
        assertThat(actualRanked).as("Top-%d per window from committed topn vs from committed pv", N)
                .isEqualTo(expected);
    }

    /**
     * The output's log entry for batch {@code id} ({@code _spark_metadata/<id>}, with its content) and each file it
     * names: relative path -> size and modification time.
     */
    private static Map<String, String> batchFiles(Path output, long id) throws IOException {
        Path entry = output.resolve("_spark_metadata").resolve(Long.toString(id));
        Map<String, String> out = new TreeMap<>();
        String content = Files.readString(entry, StandardCharsets.UTF_8);
        out.put(output.relativize(entry).toString(), describe(entry) + ": " + content);
        Map<String, String> all = allFiles(output);
        Matcher m = LOG_PATH.matcher(content);
        while (m.find()) {
            String name = m.group(1).substring(m.group(1).lastIndexOf('/') + 1);
            List<String> onDisk = all.keySet().stream().filter(f -> f.endsWith("/" + name)).toList();
            assertThat(onDisk).as("%s of %s on disk", name, entry).hasSize(1);
            out.put(onDisk.get(0), all.get(onDisk.get(0)));
        }
        return out;
    }

    /** Every regular file under {@code dir}: relative path -> size and modification time. */
    private static Map<String, String> allFiles(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (var s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), describe(p));
            }
        }
        return out;
    }

    private static String describe(Path p) {
        try {
            return Files.size(p) + " bytes, modified " + Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> errorLines(JobProcess job) throws IOException {
        return Files.readString(job.log(), StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("error: "))
                .toList();
    }
}
