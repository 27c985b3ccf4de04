package io.streamingclicks.producer.truth;

import io.streamingclicks.contract.ClickTruth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.DoubleSupplier;

/**
 * {@code DATA_DIR/ledger/truth.json}: the click model every event of the data root was drawn from. Written once, at
 * the first start, atomically (temp file, fsync, rename); a later start with other parameters is refused, naming each
 * setting with both values, because the events already sent follow the file: one data root, one truth.
 */
public final class TruthFile {

    private TruthFile() {
    }

    /**
     * The truth this start runs with: the file's when there is one (its calibrated base when the base is
     * {@code auto}), else {@code configured} with {@code base} (or {@code calibrate}'s), written to {@code file}.
     *
     * @param configured this start's settings; its base is ignored
     * @throws IllegalStateException when the file holds other parameters, or cannot be read
     */
    public static ClickTruth settle(Path file, ClickTruth configured, OptionalDouble base, DoubleSupplier calibrate) {
        if (Files.exists(file)) {
            ClickTruth existing = read(file);
            boolean bothIndependent = existing.model() == ClickTruth.Model.INDEPENDENT
                    && configured.model() == ClickTruth.Model.INDEPENDENT;
            List<String> d = existing.differences(configured.withBase(base.orElse(existing.base())), base.isPresent());
            if (!bothIndependent && !d.isEmpty()) {
                throw new IllegalStateException(file + " was written with other click-model settings, and the events"
                        + " already in this data root were drawn from it; refusing to mix two truths. "
                        + String.join("; ", d) + ". Start with the file's values, or on a fresh data root"
                        + " (make reset, or another DATA_DIR).");
            }
            return existing;
        }
        ClickTruth truth = configured.withBase(base.isPresent() ? base.getAsDouble()
                : configured.model() == ClickTruth.Model.PROPENSITY ? calibrate.getAsDouble() : 0);
        write(file, truth);
        return truth;
    }

    public static ClickTruth read(Path file) {
        try {
            return ClickTruth.fromJson(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot use " + file + ": " + e.getMessage(), e);
        }
    }

    /** Temp file, fsync, rename over, fsync the directory: a reader sees the whole file or none. */
    static void write(Path file, ClickTruth truth) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(truth.toJson().getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
