package io.streamingclicks.job;

import io.streamingclicks.job.support.Committed;
import io.streamingclicks.job.support.Events;
import io.streamingclicks.job.support.Landing;
import io.streamingclicks.job.support.TestSpark;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Top-N sink's commit protocol under SIGKILL: the shaded jar on {@code --source files --topn 3} is killed while a
 * Top-N batch is being written (its temporary directory exists), restarted, and {@code parquet/topn}, read through its
 * committed {@code batch_id=} directories only, holds exactly one ranking per sealed window, equal to the one from pv.
 */
class TopNCrashIT {

    private static final Instant T = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.HOURS);
    private static final int N = 3;

    @TempDir
    Path tmp;
    private Process job;

    @AfterEach
    void killJob() {
        if (job != null && job.isAlive()) {
            job.destroyForcibly();
        }
    }

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

    private static boolean topnInFlight(Path topn) {
        if (!Files.isDirectory(topn)) {
            return false;
        }
        try (Stream<Path> s = Files.list(topn)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("_tmp-batch_id="));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Test
    void sigkillDuringATopNBatchThenRestartLeavesOneRankingPerWindowEqualToPv() throws Exception {
        Path root = tmp.resolve("data");
        Path landing = root.resolve("landing");
        Path topn = root.resolve("parquet/topn");
        int next = 0;
        boolean landed = false;
        for (int attempt = 1; attempt <= 6 && !landed; attempt++) {
            // New minutes each attempt, so the restarted job has new windows to seal and rank.
            for (int end = next + 8; next < end; next++) {
                Landing.write(landing, "clicks-" + String.format("%04d", next) + ".jsonl", minute(next));
            }
            job = startJob(root);
            Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
            while (job.isAlive() && Instant.now().isBefore(deadline) && !topnInFlight(topn)) {
                Thread.onSpinWait();
            }
            assertThat(job.isAlive()).as("job alive, see %s", root.resolve("job.log")).isTrue();
            job.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            landed = topnInFlight(topn);
            System.out.printf("kill attempt %d: landed inside a topn batch = %s%n", attempt, landed);
        }
        assertThat(landed).as("a SIGKILL while a topn batch directory was being written").isTrue();

        job = startJob(root);
        // The clock seals every window written so far.
        Landing.write(landing, "clicks-clock.jsonl",
                List.of(Events.json("clock", "clock", "/clock", T.plus(Duration.ofMinutes(next + 5)), "view")));
        SparkSession spark = TestSpark.get();
        int windows = next;
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            assertThat(job.isAlive()).as("job alive, see %s", root.resolve("job.log")).isTrue();
            return Committed.rows(spark, root.resolve("parquet/pv"), "select distinct window_start from t").size()
                    >= windows && topnRows(spark, topn).stream().map(r -> r.getTimestamp(0)).distinct().count()
                    >= windows;
        });
        job.destroy();
        job.waitFor(60, TimeUnit.SECONDS);

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
        for (Row r : topnRows(spark, topn)) {
            actual.computeIfAbsent(r.getTimestamp(0).toInstant().toString(), w -> new ArrayList<>())
                    .add(r.getInt(2) + ":" + r.getString(3) + "=" + r.getLong(4));
        }
        Map<String, List<String>> actualRanked = new TreeMap<>();
        actual.forEach((w, rows) -> {
            List<String> sorted = rows.stream().sorted().toList();
            // Exactly one ranking: ranks 1..N once each, no duplicate from a redone batch.
            assertThat(sorted).as("window %s", w).extracting(s -> s.substring(0, s.indexOf(':')))
                    .containsExactly(java.util.stream.IntStream.rangeClosed(1, sorted.size())
                            .mapToObj(Integer::toString).toArray(String[]::new));
            actualRanked.put(w, sorted.stream().map(s -> s.substring(s.indexOf(':') + 1)).toList());
        });
        assertThat(expected).hasSizeGreaterThanOrEqualTo(windows);
        assertThat(actualRanked).isEqualTo(expected);
    }

    /** Top-N rows of committed batch directories only: {@code batch_id=*}, never a temporary one. */
    private static List<Row> topnRows(SparkSession spark, Path topn) {
        if (!Files.isDirectory(topn)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(topn)) {
            String[] dirs = s.filter(p -> p.getFileName().toString().startsWith("batch_id="))
                    .map(p -> p.toUri().toString()).toArray(String[]::new);
            if (dirs.length == 0) {
                return List.of();
            }
            List<String> nonEmpty = Arrays.stream(dirs).filter(d -> {
                try (Stream<Path> w = Files.walk(Path.of(java.net.URI.create(d)))) {
                    return w.anyMatch(p -> p.toString().endsWith(".parquet"));
                } catch (IOException e) {
                    return false;
                }
            }).toList();
            if (nonEmpty.isEmpty()) {
                return List.of();
            }
            return spark.read().option("basePath", topn.toUri().toString())
                    .parquet(nonEmpty.toArray(String[]::new))
                    .select("window_start", "window_end", "rank", "page_id", "pv").collectAsList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Process startJob(Path root) throws IOException {
        Files.createDirectories(root);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx700m"));
        cmd.addAll(Arrays.asList(System.getProperty("streamingclicks.job.jvm-flags", "").split("\\s+")));
        cmd.addAll(List.of("-jar", System.getProperty("streamingclicks.job.jar", "target/spark-job.jar"),
                "--source", "files", "--data-dir", root.toString(), "--window", "1 minute", "--watermark", "1 minute",
                "--trigger", "200 ms", "--sinks", "pv", "--topn", Integer.toString(N)));
        cmd.removeIf(String::isBlank);
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("job.log").toFile())).start();
    }
}
