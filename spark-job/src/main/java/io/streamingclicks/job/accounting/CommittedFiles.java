package io.streamingclicks.job.accounting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads a file sink's {@code _spark_metadata} log (the latest {@code N.compact} plus later deltas, {@code add} and
 * {@code delete} lines) and writes the set of committed file paths: the only files of an output that are output.
 * Anything else in the directory (an orphan of a killed batch) is never opened.
 */
public final class CommittedFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CommittedFiles() {
    }

    /** The committed files of the output directory, as the URIs the log records (e.g. {@code file:/...}). */
    public static Set<String> of(Path outputDir) {
        Path log = outputDir.resolve("_spark_metadata");
        TreeMap<Long, Path> entries = new TreeMap<>();
        long lastCompact = -1;
        if (Files.isDirectory(log)) {
            try (Stream<Path> files = Files.list(log)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    String n = p.getFileName().toString();
                    if (n.matches("\\d+")) {
                        entries.putIfAbsent(Long.parseLong(n), p);
                    } else if (n.matches("\\d+\\.compact")) {
                        long id = Long.parseLong(n.substring(0, n.indexOf('.')));
                        entries.put(id, p);
                        lastCompact = Math.max(lastCompact, id);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + log, e);
            }
        }
        Set<String> files = new LinkedHashSet<>();
        // A compact file holds everything up to its batch: older deltas are superseded (and deleted by Spark).
        for (Path entry : entries.tailMap(Math.max(lastCompact, 0L), true).values()) {
            apply(entry, files);
        }
        return files;
    }

    private static void apply(Path entry, Set<String> files) {
        try {
            List<String> lines = Files.readAllLines(entry, StandardCharsets.UTF_8);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                String path = n.path("path").asText();
                if ("delete".equals(n.path("action").asText())) {
                    files.remove(path);
                } else {
                    files.add(path);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + entry, e);
        }
    }
}
