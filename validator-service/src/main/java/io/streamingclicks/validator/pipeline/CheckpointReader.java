package io.streamingclicks.validator.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a query's checkpoint ({@code chk/<sink>/offsets/N}: {@code v1}, the batch metadata JSON, the Kafka source's
 * end offsets {@code {"topic":{"0":n,...}}} or the file source's {@code {"logOffset":n}}; {@code commits/N} once
 * batch N committed) into batches, in order.
 */
public final class CheckpointReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointReader() {
    }

    public static List<BatchOffsets> read(Path checkpoint) {
        Path offsets = checkpoint.resolve("offsets");
        if (!Files.isDirectory(offsets)) {
            return List.of();
        }
        Set<Long> committed = new HashSet<>(batchIds(checkpoint.resolve("commits")));
        List<BatchOffsets> out = new ArrayList<>();
        for (long id : batchIds(offsets)) {
            Path f = offsets.resolve(Long.toString(id));
            List<String> lines;
            try {
                lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                continue; // purged by Spark's log retention while we listed
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
            out.add(parse(f.toString(), id, lines, committed.contains(id)));
        }
        out.sort(Comparator.comparingLong(BatchOffsets::batchId));
        return List.copyOf(out);
    }

    static BatchOffsets parse(String where, long id, List<String> lines, boolean committed) {
        if (lines.size() < 2 || !lines.get(0).strip().startsWith("v")) {
            throw new IllegalArgumentException(where + ": expected a version line and batch metadata");
        }
        try {
            JsonNode meta = JSON.readTree(lines.get(1));
            long watermark = meta.path("batchWatermarkMs").asLong(0);
            Map<Integer, Long> end = new TreeMap<>();
            // Line 3 is the Kafka source's offsets, or the file source's {"logOffset":n}, which has no partitions.
            if (lines.size() > 2 && lines.get(2).strip().startsWith("{")) {
                JsonNode source = JSON.readTree(lines.get(2));
                if (source.path("logOffset").canConvertToLong()) {
                    return new BatchOffsets(id, watermark, Map.of(), committed, source.get("logOffset").asLong());
                }
                for (Iterator<JsonNode> topics = source.elements(); topics.hasNext(); ) {
                    JsonNode parts = topics.next();
                    if (!parts.isObject()) {
                        continue;
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> it = parts.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        if (e.getKey().matches("\\d+") && e.getValue().canConvertToLong()) {
                            end.put(Integer.parseInt(e.getKey()), e.getValue().asLong());
                        }
                    }
                }
            }
            return new BatchOffsets(id, watermark, Map.copyOf(end), committed);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": not JSON: " + e.getMessage(), e);
        }
    }

    private static List<Long> batchIds(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+")).map(Long::parseLong)
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** The watermark of the latest committed batch: what the query has sealed and written. */
    public static Long committedWatermark(List<BatchOffsets> batches) {
        Long w = null;
        for (BatchOffsets b : batches) {
            if (b.committed()) {
                w = b.watermarkMs();
            }
        }
        return w;
    }
}
