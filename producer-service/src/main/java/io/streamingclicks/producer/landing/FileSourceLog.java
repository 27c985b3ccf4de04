package io.streamingclicks.producer.landing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads what the Spark job's file-source queries have read, from their checkpoints under {@code chk/}: for each query
 * whose {@code sources/0} log names files (a {@code v1} header, then JSON lines {@code {"path","timestamp","batchId"}};
 * every 10 batches a cumulative {@code N.compact}, after which older deltas go), the file names listed for batches up
 * to the last one in its {@code commits/}. A batch that is planned but not committed may be redone after a crash and
 * reread its files, so its files do not count as read.
 */
public final class FileSourceLog {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BATCH = Pattern.compile("(\\d+)(\\.compact)?");

    /** What the queries have read: {@code queries} is how many checkpoints hold a file-source log. */
    public record Read(int queries, Set<String> byEveryQuery) {
    }

    private FileSourceLog() {
    }

    /** The landing file names read in a committed batch by every file-source query under {@code chkRoot}. */
    public static Read committedByEveryQuery(Path chkRoot) {
        Set<String> common = null;
        int queries = 0;
        for (Path q : list(chkRoot)) {
            Set<String> read = committed(q);
            if (read == null) {
                continue; // not a file-source query (the Kafka source's log names offsets, not files)
            }
            queries++;
            if (common == null) {
                common = read;
            } else {
                common.retainAll(read);
            }
        }
        return new Read(queries, common == null ? Set.of() : common);
    }

    /** File names in committed batches of one query, or null if its checkpoint has no file-source log. */
    static Set<String> committed(Path checkpoint) {
        Path log = checkpoint.resolve("sources").resolve("0");
        if (!Files.isDirectory(log)) {
            return null;
        }
        long lastCommit = -1;
        for (Path c : list(checkpoint.resolve("commits"))) {
            Matcher m = BATCH.matcher(c.getFileName().toString());
            if (m.matches() && m.group(2) == null) {
                lastCommit = Math.max(lastCommit, Long.parseLong(m.group(1)));
            }
        }
        long compact = -1;
        for (Path f : list(log)) {
            Matcher m = BATCH.matcher(f.getFileName().toString());
            if (m.matches() && m.group(2) != null) {
                compact = Math.max(compact, Long.parseLong(m.group(1)));
            }
        }
        boolean fileSource = false;
        Set<String> read = new HashSet<>();
        for (Path f : list(log)) {
            Matcher m = BATCH.matcher(f.getFileName().toString());
            if (!m.matches() || Long.parseLong(m.group(1)) < compact
                    || (Long.parseLong(m.group(1)) == compact && m.group(2) == null)) {
                continue; // crc and temp files; deltas the latest compact already holds
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the Spark file-source log " + f, e);
            }
            for (String line : lines) {
                if (!line.startsWith("{")) {
                    continue; // the version header
                }
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot parse the Spark file-source log " + f + ": " + line, e);
                }
                if (!n.hasNonNull("path")) {
                    continue;
                }
                fileSource = true;
                if (n.path("batchId").asLong(Long.MAX_VALUE) <= lastCommit) {
                    read.add(fileName(n.get("path").asText()));
                }
            }
        }
        return fileSource ? read : null;
    }

    /** The last path segment of Spark's path URI ({@code file:///data/landing/clicks-...jsonl}), decoded. */
    static String fileName(String path) {
        String raw = path.substring(path.lastIndexOf('/') + 1);
        try {
            return URI.create("file:///" + raw).getPath().substring(1);
        } catch (IllegalArgumentException notAUri) {
            return raw;
        }
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
