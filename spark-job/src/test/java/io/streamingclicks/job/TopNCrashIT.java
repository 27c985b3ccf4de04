package io.streamingclicks.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamingclicks.contract.ProgressFormat;
import io.streamingclicks.job.sink.TopNSink;
import io.streamingclicks.job.support.Committed;
import io.streamingclicks.job.support.Events;
import io.streamingclicks.job.support.JobProcess;
import io.streamingclicks.job.support.JobProcesses;
import io.streamingclicks.job.support.Landing;
import io.streamingclicks.job.support.TestSpark;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.streamingclicks.job.support.EventTimes.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Top-N sink's commit protocol in the shaded jar ({@code --source files --sinks pv --topn 3}, 1-minute windows):
 * killed while a Top-N batch is being written, or halted right after a batch's rename and before Spark's
 * {@code commits/<id>} (so Spark redoes a batch the sink has committed), the restarted job leaves exactly one ranking
 * per sealed window in {@code parquet/topn}, read through its committed {@code batch_id=} directories only, equal to
 * the Top-N of committed pv. A new checkpoint over those committed batches is refused at startup.
 */
class TopNCrashIT {

    private static final int N = 3;
    private static final Pattern COMMITTED_FILE =
            Pattern.compile("batch_id=\\d+/date=[^/]+/hour=[^/]+/[^/]+\\.parquet");
    private static final ObjectMapper JSON = new ObjectMapper();

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
        return jobs.start(List.of(jvmOptions), root, "--source", "files", "--data-dir", root.toString(),
                "--window", "1 minute", "--watermark", "1 minute", "--trigger", "200 ms", "--sinks", "pv",
                "--topn", Integer.toString(N));
    }

    @Test
    void sigkillDuringATopNBatchThenRestartLeavesOneRankingPerWindowEqualToPv() throws Exception {
        Path root = tmp.resolve("data");
        Path landing = root.resolve("landing");
        Path topn = root.resolve("parquet/topn");
        int[] next = {0};
        boolean landed = JobProcesses.killUntilLandedIn("while a topn batch was being written", 6, () -> {
            // New minutes each attempt, so the restarted job has new windows to seal and rank.
            writeMinutes(landing, next[0], next[0] + 8);
            next[0] += 8;
            return startJob(root);
        }, () -> topnBatchBeingWritten(topn));
        assertThat(landed).as("a SIGKILL while a topn batch directory was being written").isTrue();

        JobProcess job = startJob(root);
        writeClock(landing, next[0]);
        awaitWindowsEmitted(job, T.plus(Duration.ofMinutes(next[0])));
        assertThat(job.stop()).as("exit status after SIGTERM; log ends:%n%s", job.logTail()).isZero();

        assertThat(entries(topn)).as("temporary directories of killed attempts are removed when a batch is redone")
                .noneMatch(e -> e.startsWith("_tmp-"));
        assertOneRankingPerWindowEqualToPv(root, next[0]);
    }

    /**
     * The skip path, made deterministic by the sink's test-only halt: the JVM halts right after the rename of the
     * first batch holding a ranking, before Spark writes its {@code commits/<id>}. Spark redoes that batch at the
     * restart; the sink must leave its directory untouched and write no second ranking. Then a new (empty)
     * {@code chk/topn} over those committed batches is refused at startup, naming the output and the checkpoint.
     */
    @Test
    void aBatchRenamedBeforeSparksCommitIsSkippedWhenRedoneAndANewCheckpointOverItIsRefused() throws Exception {
        Path root = tmp.resolve("data");
        Path landing = root.resolve("landing");
        Path topn = root.resolve("parquet/topn");
        Path chk = root.resolve("chk/topn");
        writeMinutes(landing, 0, 8);

        JobProcess halted = startJob(root, "-D" + TopNSink.HALT_AFTER_COMMIT + "=true");
        assertThat(halted.awaitExit(Duration.ofSeconds(180)))
                .as("exit status of the job halted by %s; log ends:%n%s", TopNSink.HALT_AFTER_COMMIT, halted.logTail())
                .isEqualTo(TopNSink.HALT_STATUS);
        long id = entries(topn).stream().filter(e -> e.startsWith("batch_id="))
                .mapToLong(e -> Long.parseLong(e.substring("batch_id=".length()))).max().orElseThrow();
        assertThat(chk.resolve("offsets/" + id)).as("batch %d planned", id).exists();
        assertThat(chk.resolve("commits/" + id)).as("batch %d not committed by Spark", id).doesNotExist();
        Map<String, String> before = listing(topn.resolve("batch_id=" + id));
        assertThat(before.keySet()).as("batch %d holds a ranking", id).anyMatch(f -> f.endsWith(".parquet"));
        long windowsOfBatch = topnRows(topn).stream().filter(r -> r.getLong(5) == id).map(r -> r.getTimestamp(0))
                .distinct().count();
        assertThat(windowsOfBatch).isPositive();

        writeMinutes(landing, 8, 12);
        JobProcess job = startJob(root);
        writeClock(landing, 12);
        awaitWindowsEmitted(job, T.plus(Duration.ofMinutes(12)));
        assertThat(job.stop()).as("exit status after SIGTERM; log ends:%n%s", job.logTail()).isZero();

        assertThat(chk.resolve("commits/" + id)).as("Spark redid batch %d and committed it", id).exists();
        assertThat(Files.readString(job.log(), StandardCharsets.UTF_8))
                .as("the job's log").contains("topn batch " + id + " already committed");
        assertThat(listing(topn.resolve("batch_id=" + id)))
                .as("batch_id=%d after Spark redid the batch: the same files, sizes and modification times", id)
                .isEqualTo(before);
        assertOneRankingPerWindowEqualToPv(root, 12);

        // A new checkpoint over committed batches would restart at batch 0 and skip them all: refused at startup.
        List<String> committedBefore = entries(topn);
        Files.move(chk, root.resolve("chk/topn-moved-away"));
        JobProcess refused = startJob(root);
        assertThat(refused.awaitExit(Duration.ofSeconds(120)))
                .as("exit status with a new chk/topn; log ends:%n%s", refused.logTail()).isEqualTo(1);
        assertThat(Files.readString(refused.log(), StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("error: ")).toList())
                .singleElement().asString()
                .contains("output file:" + topn + " of sink 'topn' already has")
                .contains("its checkpoint " + chk + " is new")
                .contains("Restore the checkpoint that wrote them, or move file:" + topn + " away");
        assertThat(entries(topn)).isEqualTo(committedBefore);
        assertThat(chk.resolve("offsets")).doesNotExist();
    }

    /**
     * Waits until both queries have run the batch whose watermark is at or past {@code lastWindowEnd}, the one that
     * emits the last window (progress lines are written after a batch). Not on the Top-N output itself: a broken
     * protocol that loses windows then fails on the comparison below, naming them, rather than on a timeout.
     */
    private static void awaitWindowsEmitted(JobProcess job, Instant lastWindowEnd) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() -> {
            job.assertAlive();
            return watermarkReached(job.root, "pv", lastWindowEnd) && watermarkReached(job.root, "topn", lastWindowEnd);
        });
    }

    private static boolean watermarkReached(Path root, String query, Instant at) throws IOException {
        Path file = root.resolve("progress").resolve(query + ProgressFormat.FILE_SUFFIX);
        if (!Files.exists(file)) {
            return false;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException halfWritten) {
                continue;
            }
            String wm = n.path(ProgressFormat.WATERMARK).asText(null);
            if (wm != null && !Instant.parse(wm).isBefore(at)) {
                return true;
            }
        }
        return false;
    }

    /** At least {@code windows} sealed windows; each has ranks 1..k once, from one batch, equal to Top-N of pv. */
    private void assertOneRankingPerWindowEqualToPv(Path root, int windows) {
        // Expected: rank pv of each window here, independently of the job's code.
        Map<String, List<String>> expected = new TreeMap<>();
        List<Row> pv = Committed.rows(spark, root.resolve("parquet/pv"), "select window_start, page_id, pv from t");
        Map<String, List<Row>> byWindow = new TreeMap<>();
        pv.forEach(r -> byWindow.computeIfAbsent(r.getTimestamp(0).toInstant().toString(), w -> new ArrayList<>())
                .add(r));
        byWindow.forEach((w, rows) -> expected.put(w, rows.stream()
                .sorted(Comparator.<Row>comparingLong(r -> -r.getLong(2)).thenComparing(r -> r.getString(1)))
                .limit(N).map(r -> r.getString(1) + "=" + r.getLong(2)).toList()));

        Map<String, List<String>> actual = new TreeMap<>();
        Map<String, List<Long>> batches = new TreeMap<>();
        for (Row r : topnRows(root.resolve("parquet/topn"))) {
            String w = r.getTimestamp(0).toInstant().toString();
            actual.computeIfAbsent(w, k -> new ArrayList<>())
                    .add(r.getInt(2) + ":" + r.getString(3) + "=" + r.getLong(4));
            batches.computeIfAbsent(w, k -> new ArrayList<>()).add(r.getLong(5));
        }
        Map<String, List<String>> actualRanked = new TreeMap<>();
        actual.forEach((w, rows) -> {
            List<String> sorted = rows.stream().sorted().toList();
            // Exactly one ranking: ranks 1..N once each, no duplicate from a redone batch.
            assertThat(sorted).as("ranks of window %s", w).extracting(s -> s.substring(0, s.indexOf(':')))
                    .containsExactly(IntStream.rangeClosed(1, sorted.size()).mapToObj(Integer::toString)
                            .toArray(String[]::new));
            assertThat(batches.get(w).stream().distinct()).as("batch ids holding window %s", w).hasSize(1);
            actualRanked.put(w, sorted.stream().map(s -> s.substring(s.indexOf(':') + 1)).toList());
        });
        assertThat(expected).as("sealed windows in committed pv").hasSizeGreaterThanOrEqualTo(windows);
        assertThat(actualRanked).as("Top-%d per window from committed batch_id= directories vs from committed pv", N)
                .isEqualTo(expected);
    }

    /**
     * Top-N rows ({@code window_start, window_end, rank, page_id, pv, batch_id}) of committed batches only: the files
     * {@code batch_id=*}/{@code date=*}/{@code hour=*}/{@code *.parquet}, never a temporary directory.
     */
    private List<Row> topnRows(Path topn) {
        if (!Files.isDirectory(topn)) {
            return List.of();
        }
        String[] files;
        try (Stream<Path> s = Files.walk(topn)) {
            files = s.filter(p -> COMMITTED_FILE.matcher(topn.relativize(p).toString()).matches())
                    .map(p -> p.toUri().toString()).toArray(String[]::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.length == 0) {
            return List.of();
        }
        return spark.read().option("basePath", topn.toUri().toString()).parquet(files)
                .selectExpr("window_start", "window_end", "rank", "page_id", "pv", "cast(batch_id as bigint)")
                .collectAsList();
    }

    /**
     * A batch of the Top-N sink is being written: a temporary directory exists, or a batch directory without the
     * {@code _SUCCESS} marker Spark's writer leaves last (what writing in place, without the protocol, looks like).
     */
    private static boolean topnBatchBeingWritten(Path topn) {
        try {
            return entries(topn).stream().anyMatch(e -> e.startsWith("_tmp-batch_id=")
                    || e.startsWith("batch_id=") && !Files.exists(topn.resolve(e).resolve("_SUCCESS")));
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private static List<String> entries(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file under {@code dir}: relative path -> size and modification time. */
    private static Map<String, String> listing(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), Files.size(p) + " bytes, modified "
                        + Files.getLastModifiedTime(p).toInstant());
            }
        }
        return out;
    }
}
