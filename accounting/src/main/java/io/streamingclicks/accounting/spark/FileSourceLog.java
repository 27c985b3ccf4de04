package io.streamingclicks.accounting.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.streamingclicks.contract.DataRoot;

/**
 * The file source's log of a query ({@code chk/<query>/sources/0}): files {@code N} and {@code N.compact} named as
 * {@link SparkMetadataLog} describes, each a {@code v1} header then one JSON line per file the source listed,
 * {@code {"path":"file:///.../landing/x.jsonl","timestamp":..,"batchId":k}}, where {@code k} is the source log's
 * own batch (which a query batch reads up to through {@code {"logOffset":k}} in its {@code offsets/N}, not the query
 * batch id). Read into each file's name (the last path segment, URI escapes decoded: the name on disk and the job's
 * {@code source_file}) and the first log batch that listed it. A Kafka source's {@code sources/0/0} holds its initial
 * offsets and no path: such a query has no file-source log.
 * <p>Spark writes each log file under a temporary name and renames it, so a whole file is all a reader can see; a
 * torn last line can only come from a copy cut short (a backup, a full disk) and is skipped. A torn line before the
 * last is not something Spark writes: an error naming the file.
 */
public final class FileSourceLog {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 10;

    private FileSourceLog() {
    }

    /** File name to the first log batch that listed it; empty when the query has no file-source log. */
    public static Map<String, Long> read(Path checkpoint) {
        return readLog(checkpoint).orElseGet(TreeMap::new);
    }

    /** As {@link #read}, or empty when {@code checkpoint} has no file-source log (none, or a Kafka source's). */
    public static Optional<Map<String, Long>> readLog(Path checkpoint) {
        Path dir = checkpoint.resolve("sources").resolve("0");
        for (int attempt = 1; ; attempt++) {
            try {
                return readOnce(dir);
            } catch (NoSuchFileException deletedByCompaction) {
                if (attempt == ATTEMPTS) {
                    throw new IllegalStateException(dir + " changed under " + ATTEMPTS + " reads in a row");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the file-source log " + dir, e);
            }
        }
    }

    private static Optional<Map<String, Long>> readOnce(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<String> names;
        try (Stream<Path> s = Files.list(dir)) {
            names = s.map(p -> p.getFileName().toString()).toList();
        }
        Map<String, Long> out = new TreeMap<>();
        boolean fileSource = false;
        for (String name : SparkMetadataLog.filesToRead(names)) {
            fileSource |= parse(dir.resolve(name).toString(), Files.readAllLines(dir.resolve(name),
                    StandardCharsets.UTF_8), out);
        }
        return fileSource ? Optional.of(out) : Optional.empty();
    }

    /** Adds one log file's entries to {@code out}; whether it named any file. */
    static boolean parse(String where, List<String> lines, Map<String, Long> out) {
        boolean any = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith("{")) {
                continue; // the version header (a Kafka source's starts with a 0 byte)
            }
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException torn) {
                if (i == lines.size() - 1) {
                    continue;
                }
                throw new IllegalArgumentException(where + " line " + (i + 1) + " is not JSON, and Spark writes this"
                        + " log whole (temp file, then rename): " + line, torn);
            }
            String path = n.path("path").asText(null);
            if (path == null || !n.path("batchId").canConvertToLong()) {
                continue;
            }
            any = true;
            out.merge(fileName(path), n.get("batchId").asLong(), Math::min);
        }
        return any;
    }

    /** The last path segment of Spark's path URI ({@code file:///data/landing/clicks-...jsonl}), decoded. */
    public static String fileName(String path) {
        String raw = path.substring(path.lastIndexOf('/') + 1);
        try {
            return URI.create("file:///" + raw).getPath().substring(1);
        } catch (IllegalArgumentException notAUri) {
            return raw;
        }
    }

    /**
     * The files of {@code checkpoint}'s file-source log that a committed batch has read: those listed up to the
     * {@code logOffset} of its last committed batch. A batch planned but not committed may be redone after a crash
     * and reread its files, so its files do not count. Empty when the query has no file-source log.
     */
    public static Optional<Set<String>> committed(Path checkpoint) {
        // Either order of the two reads is safe: a file counts only if the log lists it at or below a committed
        // logOffset, and Spark writes a log batch before the offsets that name it.
        Optional<Map<String, Long>> log = readLog(checkpoint);
        if (log.isEmpty()) {
            return Optional.empty();
        }
        long upTo = CheckpointLog.read(checkpoint).lastCommitted().map(BatchOffsets::fileLogOffset).orElse(-1L);
        Set<String> out = new HashSet<>();
        log.get().forEach((file, batch) -> {
            if (batch <= upTo) {
                out.add(file);
            }
        });
        return Optional.of(out);
    }

    /**
     * The landing files the ingest query ({@code chkRoot/ingest}, the only query that reads {@code landing/}) has
     * read in a committed batch: what the producer's landing retention may delete. {@code chk/windows} is a file
     * source too, but over the events parquet files, never a reader of {@code landing/}: it is not consulted. Empty
     * when the ingest query has no file-source log (it reads Kafka, or has not started): then nothing may be deleted.
     */
    public static Optional<Set<String>> committedByIngest(Path chkRoot) {
        return committed(chkRoot.resolve(DataRoot.Query.INGEST.dir()));
    }
}
