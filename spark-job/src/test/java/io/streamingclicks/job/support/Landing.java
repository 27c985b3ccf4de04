package io.streamingclicks.job.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Writes JSON-lines files into a landing directory the way the producer does: {@code .name.tmp}, then rename. */
public final class Landing {

    private Landing() {
    }

    /** The hidden temporary name the file is written under before its rename. */
    public static Path temp(Path dir, String name) {
        return dir.resolve("." + name + ".tmp");
    }

    /** Writes the lines to {@code .name.tmp} and renames it to {@code name} atomically. */
    public static Path write(Path dir, String name, List<String> lines) {
        try {
            Files.createDirectories(dir);
            Path tmp = temp(dir, name);
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            return Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
