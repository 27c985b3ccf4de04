package io.streamingclicks.producer.landing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Buffers JSON lines and writes them, once per roll interval, to a hidden temp file ({@link LandingName}), forced to
 * disk, then renamed atomically to {@code clicks-<run>-<seq>-<late>.jsonl}, on-time lines first, late ones last. Spark's
 * file source skips names starting with {@code .}, so it never reads a file before its rename. Each line's callback
 * gets true once its file is in place, false if the file could not be written (the temp file is then removed: none of
 * its lines is visible); all of a file's callbacks run inside one {@link Settle} call, so the ledger books a file whole.
 */
public final class LandingFiles implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LandingFiles.class);

    /** Books one roll: runs {@code callbacks} (every line's outcome) and marks {@code seq} as booked, in one step. */
    @FunctionalInterface
    public interface Settle {
        void settle(long seq, Runnable callbacks);
    }

    private record Pending(String json, boolean late, Consumer<Boolean> done) {
    }

    private final Path dir;
    private final String run;
    private final Settle settle;
    private final ScheduledExecutorService roller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "landing-roll");
        t.setDaemon(true);
        return t;
    });
    private List<Pending> buffer = new ArrayList<>();
    private long seq;
    private boolean closed;

    public LandingFiles(Path dir, String run, Duration roll, Settle settle) {
        this.dir = dir;
        this.run = run;
        this.settle = settle;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the landing directory " + dir + ": " + e.getMessage(), e);
        }
        roller.scheduleAtFixedRate(this::roll, roll.toMillis(), roll.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Path dir() {
        return dir;
    }

    /** Queues one line; {@code done} is told on the roll thread whether its file was renamed into place. */
    public void add(String json, boolean late, Consumer<Boolean> done) {
        synchronized (this) {
            if (!closed) {
                buffer.add(new Pending(json, late, done));
                return;
            }
        }
        done.accept(false);
    }

    /** Writes what is buffered as one file; called every roll interval and at close. */
    synchronized void roll() {
        List<Pending> batch = buffer;
        buffer = new ArrayList<>();
        if (batch.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        int late = 0;
        for (Pending p : batch) {
            if (!p.late()) {
                b.append(p.json()).append('\n');
            }
        }
        for (Pending p : batch) {
            if (p.late()) {
                b.append(p.json()).append('\n');
                late++;
            }
        }
        LandingName name = new LandingName(run, seq++, late);
        Path tmp = dir.resolve(name.tempName());
        boolean written = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(name.fileName()), StandardCopyOption.ATOMIC_MOVE);
            written = true;
        } catch (IOException | RuntimeException e) {
            LOG.errorf("cannot write landing file %s (%d events booked as failed): %s", dir.resolve(name.fileName()),
                    batch.size(), e);
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover hidden temp file is never read, and the next start deletes it
            }
        }
        boolean outcome = written;
        settle.settle(name.seq(), () -> batch.forEach(p -> p.done().accept(outcome)));
    }

    /** Writes the last buffered lines, then refuses more. */
    @Override
    public void close() {
        roller.shutdown();
        try {
            roller.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            roll();
            closed = true;
        }
    }
}
