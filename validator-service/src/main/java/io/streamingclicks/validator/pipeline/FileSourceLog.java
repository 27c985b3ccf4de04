package io.streamingclicks.validator.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the file source's log of a query ({@code chk/<query>/sources/0}: files {@code N} and {@code N.compact}, each
 * a {@code v1} header then one JSON line per file read, {@code {"path":"file:///.../landing/x.jsonl",
 * "timestamp":..,"batchId":k}}; a compact file holds every entry up to N, older deltas may be deleted) into the file
 * names (the last path segment, as the job's {@code source_file}) and the log batch that listed each. A Kafka
 * source's {@code sources/0/0} holds its initial offsets and no path: it yields nothing.
 */
public final class FileSourceLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FileSourceLog() {
    }

    /** File name to the first log batch that listed it; empty when the query has no file-source log. */
    public static Map<String, Long> read(Path checkpoint) {
        Path dir = checkpoint.resolve("sources").resolve("0");
        Map<String, Long> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().matches("\\d+(\\.compact)?")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        for (Path f : files) {
            try {
                parse(Files.readAllLines(f, StandardCharsets.UTF_8), out);
            } catch (NoSuchFileException e) {
                // deleted by Spark's log cleanup after a compaction that holds its entries
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
        }
        return out;
    }

    static void parse(List<String> lines, Map<String, Long> out) {
        for (String line : lines) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException partial) {
                continue; // Spark writes a log file under a temporary name, so only a torn copy can get here
            }
            String path = n.path("path").asText(null);
            if (path == null || !n.path("batchId").canConvertToLong()) {
                continue;
            }
            out.merge(path.substring(path.lastIndexOf('/') + 1), n.get("batchId").asLong(), Math::min);
        }
    }
}
