package io.streamingclicks.job.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A query's checkpoint as the tests read it where the job's {@code OffsetLog} cannot (it reads Kafka offsets only):
 * per batch its watermark ({@code offsets/N} line 2) and, for the file source, its {@code logOffset} (line 3), which
 * batches committed, and which log batch read each landing file ({@code sources/0}: {@code N.compact} and deltas,
 * JSON lines with {@code path} and {@code batchId}). An entry still being written is skipped. Link 3 for the file
 * source is here, with the rule {@link Link3} applies to Kafka offsets.
 */
public record FileSourceCheckpoint(TreeMap<Long, Long> watermark, TreeMap<Long, Long> logOffset, Set<Long> committed,
                                   Map<String, Long> fileBatch) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static FileSourceCheckpoint read(Path checkpoint) {
        TreeMap<Long, Long> wm = new TreeMap<>();
        TreeMap<Long, Long> log = new TreeMap<>();
        for (long id : ids(checkpoint.resolve("offsets"))) {
            List<String> l = lines(checkpoint.resolve("offsets").resolve(Long.toString(id)));
            JsonNode meta = l.size() > 2 ? readJson(l.get(1)) : null;
            JsonNode source = l.size() > 2 ? readJson(l.get(2)) : null;
            if (meta == null || source == null) {
                continue; // being written
            }
            wm.put(id, meta.path("batchWatermarkMs").asLong());
            if (source.has("logOffset")) {
                log.put(id, source.get("logOffset").asLong());
            }
        }
        Map<String, Long> fileBatch = new HashMap<>();
        Path sources = checkpoint.resolve("sources").resolve("0");
        if (!log.isEmpty() && Files.isDirectory(sources)) {
            try (Stream<Path> s = Files.list(sources)) {
                for (Path p : s.filter(p -> p.getFileName().toString().matches("\\d+(\\.compact)?")).toList()) {
                    for (String line : lines(p)) {
                        JsonNode n = line.startsWith("{") ? readJson(line) : null;
                        if (n != null && n.has("path")) {
                            String path = n.get("path").asText();
                            fileBatch.put(path.substring(path.lastIndexOf('/') + 1), n.get("batchId").asLong());
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new FileSourceCheckpoint(wm, log, ids(checkpoint.resolve("commits")), fileBatch);
    }

    long lastCommitted() {
        return committed.stream().max(Long::compare).orElse(-1L);
    }

    /** The watermark of the last committed batch (any source); 0 before the first. */
    public long committedWatermarkMs() {
        return watermark.getOrDefault(lastCommitted(), 0L);
    }

    /** Files whose log batch the last committed batch has read, with that log batch. */
    public Map<String, Long> committedFiles() {
        Long upTo = logOffset.get(lastCommitted());
        Map<String, Long> out = new HashMap<>(fileBatch);
        out.values().removeIf(b -> upTo == null || b > upTo);
        return out;
    }

    /**
     * Link 3 for the file source: an event of the window ending {@code windowEnd} read from {@code file} was
     * counted unless the file's log batch is past the one read up to by batch j-1, where j is the first batch whose
     * late-row filter watermark (Spark 3.5: the one of batch j-1) is at or past the window's end.
     */
    public boolean counted(Instant windowEnd, String file) {
        Long j = sealingBatch(windowEnd.toEpochMilli());
        return j == null || fileBatch.get(file) <= logOffset.get(j - 1);
    }

    private Long sealingBatch(long windowEndMs) {
        for (long id : watermark.keySet()) {
            Long previous = watermark.get(id - 1);
            if (previous != null && previous >= windowEndMs) {
                return id;
            }
        }
        return null;
    }

    private static JsonNode readJson(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException notJson) {
            return null;
        }
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Set<Long> ids(Path dir) {
        Set<Long> out = new TreeSet<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+")).forEach(n ->
                        out.add(Long.parseLong(n)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
