package io.streamingclicks.job.samples;

import io.streamingclicks.accounting.spark.CheckpointLog;
import io.streamingclicks.contract.Windows;
import io.streamingclicks.job.sink.CheckpointPairing;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a range's samples are final: every event that can decide a label (event time below TO + H) lies in a
 * window the windows query has sealed, so no counted click can still arrive and no negative is premature. Read from
 * the durable state only: the committed watermark of {@code chk/windows} and the window length its pairing marker
 * records (the window the query actually ran with, not this process's setting).
 *
 * @param log    the windows query's checkpoint
 * @param window the tumbling window length of that query
 * @param sealed event time up to which every window is sealed (the committed watermark)
 */
public record Finality(CheckpointLog log, Duration window, Instant sealed) {

    private static final Pattern WINDOW = Pattern.compile("(?:^|;)window=([^;]+)");

    /** Reads {@code chk/windows}; refuses (IllegalStateException) a checkpoint with no committed batch. */
    public static Finality read(Path windowsCheckpoint) {
        Duration window = windowOf(windowsCheckpoint);
        CheckpointLog log = CheckpointLog.read(windowsCheckpoint);
        Long wm = log.committedWatermark();
        if (wm == null || wm <= 0) {
            throw new IllegalStateException("the windows query (" + windowsCheckpoint + ") has sealed no window yet:"
                    + " nothing is final. Run the job until its watermark passes the range's end plus the horizon.");
        }
        return new Finality(log, window, Instant.ofEpochMilli(wm));
    }

    /** The end of the sealed event time a range {@code [from, to)} with horizon {@code h} needs. */
    public Instant needed(Instant to, Duration h) {
        // The last instant a label can look at is just below to + h; its window must be sealed.
        return Windows.end(to.plus(h).minusMillis(1), window);
    }

    /** Refuses a range that is not final yet, naming the sealed time, what is needed and the last range that is. */
    public void require(Instant from, Instant to, Duration h) {
        Instant needed = needed(to, h);
        if (sealed.isBefore(needed)) {
            Instant lastTo = sealed.minus(h).truncatedTo(ChronoUnit.HOURS);
            while (sealed.isBefore(needed(lastTo, h))) {
                lastTo = lastTo.minus(1, ChronoUnit.HOURS);
            }
            throw new IllegalStateException("refused: samples of [" + from + ", " + to + ") with horizon " + h
                    + " are final once the windows query has sealed event time up to " + needed + " (TO + H, up to a"
                    + " window end of " + window + "); it has sealed up to " + sealed + " (chk/windows' committed"
                    + " watermark), " + Duration.between(sealed, needed) + " short. Wait for the watermark to pass "
                    + needed + ", or use --to " + lastTo + " or earlier.");
        }
    }

    /**
     * Whether link 3's boundary batch of the window ending {@code windowEnd} is certainly the one that first sealed
     * it ({@link CheckpointLog#lateBoundaryExact}). The job keeps every committed batch in {@code chk/windows/history},
     * so it is, except on a data root whose older batches Spark purged (it keeps the last 100) before the job kept a
     * history: there, when the first known batch already seals the window, the batch that first did may be gone, and
     * its logOffset can be smaller than the one link 3 then uses (docs/accounting.md, Limits).
     */
    public boolean boundaryRetained(Instant windowEnd) {
        return log.lateBoundaryExact(windowEnd);
    }

    static Duration windowOf(Path windowsCheckpoint) {
        Path marker = windowsCheckpoint.resolve(CheckpointPairing.MARKER);
        if (!Files.isRegularFile(marker)) {
            throw new IllegalStateException("no " + marker + ": the windows query has never run on this data root,"
                    + " so no event is counted yet. Start the job (make run) and let it seal the range.");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(marker, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + marker, e);
        }
        Matcher m = WINDOW.matcher(p.getProperty("shape", ""));
        if (!m.find()) {
            throw new IllegalStateException(marker + " names no window length in its shape: " + p);
        }
        return Duration.parse(m.group(1));
    }
}
