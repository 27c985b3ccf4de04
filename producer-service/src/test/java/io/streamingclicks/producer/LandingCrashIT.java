package io.streamingclicks.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamingclicks.accounting.ledger.LedgerCounts;
import io.streamingclicks.accounting.ledger.LedgerKey;
import io.streamingclicks.accounting.ledger.LedgerSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Landing mode, the packaged service as a process, no broker: SIGKILLed right after it renamed a landing file (before
 * the ledger flush that books it), with a killed roll's hidden temp file left behind, restarted, killed again, restarted
 * and stopped gracefully, then started once more. The ledger read from disk must agree exactly with the visible
 * landing files per (event-time second, page, on_time|late), which is what the Spark file source reads (docs/accounting.md,
 * link 1): no file missed, none booked twice, no temp file left and none of its events booked.
 */
class LandingCrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Late events are 8 minutes behind; on-time ones within a few seconds of their file's write. */
    private static final Duration LATE_OFFSET = Duration.ofMinutes(8);

    private static Path dataDir;
    private static Path landing;
    private static Path ledger;
    private static Path logs;
    private static final List<ProducerProcess> started = new ArrayList<>();

    @BeforeAll
    static void dirs() throws IOException {
        dataDir = Files.createTempDirectory("producer-landing-crash-");
        landing = dataDir.resolve("landing");
        ledger = dataDir.resolve("ledger");
        logs = Path.of("target", "landing-crash-it");
        Files.createDirectories(logs);
    }

    @AfterAll
    static void close() {
        started.forEach(ProducerProcess::close);
    }

    private static ProducerProcess start(String name, boolean autostart) {
        Path log = logs.resolve(name + ".log");
        ProducerProcess p = ProducerProcess.start(Map.of(
                "PRODUCER_SINK", "landing",
                "DATA_DIR", dataDir.toString(),
                // Nothing listens there: landing mode must not need Kafka.
                "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1",
                "PRODUCER_RATE", "2000",
                "PRODUCER_LATE_FRACTION", "0.1",
                "PRODUCER_LATE_OFFSET", "-" + LATE_OFFSET,
                "PRODUCER_AUTOSTART", String.valueOf(autostart)), log);
        started.add(p);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!p.alive()) {
                throw new AssertionError(name + " exited during start-up:\n" + ProducerProcess.tail(log));
            }
            return p.ready();
        });
        return p;
    }

    private static List<Path> list(boolean hidden) {
        try (Stream<Path> s = Files.list(landing)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".") == hidden).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL within milliseconds of a new landing file's rename, i.e. most likely before the flush that books it. */
    private static void killRightAfterARename(ProducerProcess p) throws InterruptedException {
        int before = list(false).size();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (list(false).size() == before) {
            assertThat(System.nanoTime()).as("a new landing file within 10 s").isLessThan(deadline);
            LockSupport.parkNanos(1_000_000);
        }
        p.kill();
    }

    /** Visible lines per "second page lateness"; lateness judged from the event time against the file's write time. */
    private static Map<String, Long> linesInFiles() throws IOException {
        Map<String, Long> out = new TreeMap<>();
        for (Path f : list(false)) {
            long written = Files.getLastModifiedTime(f).toMillis();
            for (String line : Files.readAllLines(f)) {
                JsonNode e = JSON.readTree(line);
                Instant t = Instant.parse(e.get("event_time").asText());
                boolean late = t.toEpochMilli() < written - LATE_OFFSET.toMillis() / 2;
                out.merge(t.getEpochSecond() + " " + e.get("page_id").asText() + " " + (late ? "late" : "on_time"),
                        1L, Long::sum);
            }
        }
        return out;
    }

    private static Map<String, Long> ackedInLedger() {
        Map<String, Long> out = new TreeMap<>();
        LedgerSummary.readAll(ledger).counts().forEach((LedgerKey k, LedgerCounts c) -> {
            if (c.acked() > 0) {
                out.merge(k.second() + " " + k.pageId() + " " + (k.late() ? "late" : "on_time"), c.acked(), Long::sum);
            }
        });
        return out;
    }

    private static long total(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The keys where the ledger and the files disagree, as "key: ledger acked N, lines in files M". */
    private static List<String> disagreements() throws IOException {
        Map<String, Long> files = linesInFiles();
        Map<String, Long> booked = ackedInLedger();
        List<String> out = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(files.keySet());
        keys.addAll(booked.keySet());
        for (String k : keys) {
            long f = files.getOrDefault(k, 0L);
            long b = booked.getOrDefault(k, 0L);
            if (f != b) {
                out.add(k + ": ledger acked " + b + ", lines in visible files " + f);
            }
        }
        return out;
    }

    @Test
    void aKilledRunsLastFilesAreBookedOnceAtTheNextStart() throws Exception {
        // Run 1 is killed right after a rename; a roll killed mid-write is simulated by a hidden temp file of
        // that run (a copy of its last file's lines under the next sequence number): never visible, never sent.
        ProducerProcess run1 = start("run1", true);
        await().atMost(Duration.ofSeconds(30)).until(() -> list(false).size() >= 3);
        killRightAfterARename(run1);
        List<Path> visible = list(false);
        Path last = visible.get(visible.size() - 1);
        String[] parts = last.getFileName().toString().split("-");
        Path temp = landing.resolve(String.format(".clicks-%s-%08d-0.jsonl.tmp", parts[1],
                Long.parseLong(parts[2]) + 1));
        Files.copy(last, temp);
        long unbooked1 = total(linesInFiles()) - total(ackedInLedger());

        // Run 2 recovers run 1, takes a burst, and is killed right after a rename as well.
        ProducerProcess run2 = start("run2", true);
        JsonNode burst = run2.post("/bursts", "{\"count\": 300, \"offset\": \"-PT8M\", \"pageId\": \"/crash-burst\"}");
        assertThat(burst.get("acked").asLong()).isEqualTo(300);
        await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
        killRightAfterARename(run2);
        long unbooked2 = total(linesInFiles()) - total(ackedInLedger());
        assertThat(Math.max(unbooked1, unbooked2))
                .as("precondition: a SIGKILL left renamed files the ledger had not booked yet (run 1: %d events,"
                        + " run 2: %d)", unbooked1, unbooked2).isPositive();

        // Run 3 recovers run 2 and stops gracefully.
        ProducerProcess run3 = start("run3", true);
        await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
        assertThat(run3.stop()).as("exit status after SIGTERM").isIn(0, 143);
        assertThat(ProducerProcess.tail(logs.resolve("run2.log")) + ProducerProcess.tail(logs.resolve("run3.log")))
                .contains("ledger recovery (landing)");

        assertThat(disagreements()).as("ledger acked == lines in visible landing files, per (second, page,"
                + " lateness)").isEmpty();
        assertThat(temp).as("a killed roll's temp file is deleted at the next start").doesNotExist();
        assertThat(list(true)).as("hidden temp files left in " + landing).isEmpty();
        Map<String, Long> settled = ackedInLedger();
        assertThat(total(settled)).isGreaterThan(5_000);
        assertThat(settled).as("the burst, booked late").containsKey(
                settled.keySet().stream().filter(k -> k.contains(" /crash-burst late")).findFirst().orElse("none"));
        LedgerSummary.readAll(ledger).counts().values().forEach(c -> {
            assertThat(c.inDoubt()).isZero();
            assertThat(c.failed()).isZero();
        });

        // Run 4 starts (recovery again) without sending and stops: nothing is booked a second time.
        ProducerProcess run4 = start("run4", false);
        assertThat(run4.stop()).isIn(0, 143);
        assertThat(ackedInLedger()).as("after another restart").isEqualTo(settled);
        assertThat(disagreements()).isEmpty();
    }
}
