package io.streamingclicks.accounting.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The rules of a Spark compactible log (a file sink's {@code _spark_metadata}; the file source's {@code sources/0}
 * is named the same way): log files are named by batch id, every few batches a cumulative {@code N.compact} holds
 * all entries up to N and the deltas before it are deleted later (so they may or may not still be there); Spark
 * writes each file under a temporary name and renames it, and leaves {@code .N.crc} checksums: names that are not
 * log files are ignored. Reads the sink log's lines into the committed files: the latest compaction plus the deltas
 * after it, {@code add} and {@code delete} applied in batch order. Paths are kept as Spark wrote them (absolute,
 * URI-escaped: {@code file:///data/parquet/pv/date=2026-11-21/part-0.parquet}); {@link PathRebase} maps them onto a
 * directory. Pure: no I/O, so every rule of the log is tested on text; {@link CommittedOutput} reads the disk.
 */
public final class SparkMetadataLog {

    /** Log files are named by batch id, a compaction by {@code <id>.compact}; anything else (temp files) is not log. */
    private static final Pattern LOG_FILE = Pattern.compile("(\\d+)(\\.compact)?");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One file named by the log: its path as Spark wrote it (an absolute URI) and its size. */
    public record Entry(String path, long size) {
    }

    /** One log file, named as on disk. */
    public record LogFile(String name, List<String> lines) {
    }

    private SparkMetadataLog() {
    }

    /** Batch id of a log file name, empty for names that are not log files ({@code .0.tmp}, {@code _SUCCESS}). */
    public static Optional<Long> batchId(String fileName) {
        Matcher m = LOG_FILE.matcher(fileName);
        return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    public static boolean isCompact(String fileName) {
        return fileName.endsWith(".compact");
    }

    /**
     * The log files a reader must read, in batch order: the latest compaction and the deltas after it. Deltas at or
     * before the compaction are folded into it (Spark deletes them later, so they may or may not still be there).
     */
    public static List<String> filesToRead(List<String> names) {
        List<String> logs = names.stream().filter(n -> batchId(n).isPresent())
                .sorted(Comparator.comparingLong((String n) -> batchId(n).orElseThrow())
                        .thenComparing(n -> isCompact(n) ? 1 : 0))
                .toList();
        long lastCompact = logs.stream().filter(SparkMetadataLog::isCompact)
                .mapToLong(n -> batchId(n).orElseThrow()).max().orElse(-1);
        List<String> read = new ArrayList<>();
        for (String n : logs) {
            long id = batchId(n).orElseThrow();
            if (id > lastCompact || (id == lastCompact && isCompact(n))) {
                read.add(n);
            }
        }
        // Batch N written both as a delta and as N.compact (Spark crashed between them): the compaction wins.
        read.removeIf(n -> !isCompact(n) && batchId(n).orElseThrow() == lastCompact);
        return read;
    }

    /**
     * The committed files after applying {@code files} (as chosen by {@link #filesToRead}) in order.
     *
     * @throws IllegalArgumentException naming the log file and line when a line is not what Spark writes
     */
    public static List<Entry> committed(List<LogFile> files) {
        Map<String, Entry> live = new LinkedHashMap<>();
        for (LogFile f : files) {
            List<String> lines = f.lines();
            if (lines.isEmpty() || !lines.get(0).strip().equals("v1")) {
                throw new IllegalArgumentException("_spark_metadata/" + f.name() + ": first line must be 'v1', got "
                        + (lines.isEmpty() ? "an empty file" : "'" + lines.get(0) + "'"));
            }
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (Exception e) {
                    throw new IllegalArgumentException("_spark_metadata/" + f.name() + " line " + (i + 1)
                            + ": not JSON: " + line, e);
                }
                String path = n.path("path").asText(null);
                String action = n.path("action").asText("add");
                if (path == null || n.path("isDir").asBoolean(false)) {
                    continue;
                }
                if (action.equals("delete")) {
                    live.remove(path);
                } else {
                    live.put(path, new Entry(path, n.path("size").asLong(-1)));
                }
            }
        }
        return List.copyOf(live.values());
    }
}
