package io.streamingclicks.producer.send;

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
 * Buffers JSON lines and writes them, once per roll interval, to {@code <dir>/.clicks-<ms>-<seq>.jsonl.tmp}, forced to
 * disk, then renamed atomically to {@code clicks-<ms>-<seq>.jsonl}. Spark's file source skips names starting with
 * {@code .}, so it never reads a file before its rename. Each line's callback gets true once its file is in place,
 * false if the file could not be written (the temp file is then removed: none of its lines is visible).
 */
public final class LandingFiles implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LandingFiles.class);

    private record Pending(String json, Consumer<Boolean> done) {
    }

    private final Path dir;
    private final ScheduledExecutorService roller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "landing-roll");
        t.setDaemon(true);
        return t;
    });
    private List<Pending> buffer = new ArrayList<>();
    private long seq;
    private boolean closed;

    public LandingFiles(Path dir, Duration roll) {
        this.dir = dir;
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
    public void add(String json, Consumer<Boolean> done) {
        synchronized (this) {
            if (!closed) {
                buffer.add(new Pending(json, done));
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
        String name = "clicks-" + System.currentTimeMillis() + "-" + (seq++) + ".jsonl";
        Path tmp = dir.resolve("." + name + ".tmp");
        boolean written = false;
        try {
            StringBuilder b = new StringBuilder();
            batch.forEach(p -> b.append(p.json()).append('\n'));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            written = true;
        } catch (IOException | RuntimeException e) {
            LOG.errorf("cannot write landing file %s (%d events booked as failed): %s", dir.resolve(name),
                    batch.size(), e);
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover hidden temp file is never read
            }
        }
        for (Pending p : batch) {
            p.done().accept(written);
        }
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
