package io.streamingclicks.job.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shaded jar running as a child process ({@code java -jar}) on a data root, its output in {@code <root>/job.log}:
 * SIGKILL, SIGTERM, and waits that fail with the end of that log when the job dies. Started by {@link JobProcesses}.
 */
public final class JobProcess {

    private static final Pattern ERROR_LINE = Pattern.compile("^error: | ERROR |^Caused by: |^\\S+(Exception|Error): ");

    public final Path root;
    private final Process process;

    JobProcess(Path root, Process process) {
        this.root = root;
        this.process = process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Fails, quoting the job's log, if the process has exited. */
    public void assertAlive() {
        if (!process.isAlive()) {
            throw new AssertionError("the job exited with status " + process.exitValue() + "; its log ends:\n"
                    + logTail());
        }
    }

    /** SIGKILL, as in a crash, and waits for the process to be gone. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing the job", e);
        }
    }

    /** SIGTERM (the job stops every query between batches) and its exit status. */
    public int stop() {
        process.destroy();
        return awaitExit(Duration.ofSeconds(60));
    }

    /** SIGTERM, and the job must exit 0: every query stopped between batches. */
    public void assertStopsCleanly() {
        assertThat(stop()).as("exit status after SIGTERM; log ends:%n%s", logTail()).isZero();
    }

    /** Waits for the process to exit by itself and returns its status. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the job did not exit within " + timeout + "; its log ends:\n" + logTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the job", e);
        }
        return process.exitValue();
    }

    /**
     * Polls {@code state} until it holds (or {@code timeout}), then SIGKILLs the job; true if the state still held
     * after the kill, i.e. the kill landed in it. Polls every few milliseconds rather than spinning: a spinning test
     * takes one of the two cores from the job it waits for.
     */
    public boolean killWhen(BooleanSupplier state, Duration timeout) {
        try {
            await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                    .until(() -> !process.isAlive() || state.getAsBoolean());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // not reached in time: kill anyway, the caller decides whether to try again
        }
        assertAlive();
        kill();
        return state.getAsBoolean();
    }

    /** Waits until the windows query has committed a batch whose watermark is at or past {@code at}. */
    public void awaitWindowsWatermark(java.time.Instant at, Duration timeout) {
        Path checkpoint = root.resolve("chk/windows");
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertAlive();
            return Checkpoints.committedWatermarkMs(checkpoint) >= at.toEpochMilli();
        });
    }

    /** Waits until the query's last committed batch ends at {@code records} records over all partitions (Kafka). */
    public void awaitCommitted(String query, long records, Duration timeout) {
        Path checkpoint = root.resolve("chk").resolve(query);
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertAlive();
            return Checkpoints.committedRecords(checkpoint) >= records;
        });
    }

    /**
     * Waits until the ingest query has committed {@code records} records (Kafka) and the windows query has read every
     * events file committed by then ({@link Checkpoints#windowsCaughtUp}).
     */
    public void awaitCaughtUp(long records, Duration timeout) {
        awaitCommitted("ingest", records, timeout);
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertAlive();
            return Checkpoints.windowsCaughtUp(root);
        });
    }

    public Path log() {
        return root.resolve("job.log");
    }

    /**
     * For a failure message: the log's first error lines (an exception's own line, not only its stack frames), then
     * its last 40 lines.
     */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
            List<String> errors = lines.stream().filter(l -> ERROR_LINE.matcher(l).find()).limit(8).toList();
            return "[first error lines]\n" + String.join("\n", errors) + "\n[last lines]\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
