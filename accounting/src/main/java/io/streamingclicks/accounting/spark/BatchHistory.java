package io.streamingclicks.accounting.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.streamingclicks.accounting.iceberg.StreamingOffset;

/**
 * The durable history of a query's committed batches, {@code chk/<query>/history/<first batch>.jsonl}: Spark keeps
 * only the last {@code spark.sql.streaming.minBatchesToRetain} (100) batches of {@code offsets/} and
 * {@code commits/}, and link 3 of a window needs the batch that first sealed it however old. The job appends one
 * line per committed batch, {@code {"batchId":N,"offsets":["v1","{\"batchWatermarkMs\":...}","{...source...}"]}}:
 * the lines of {@code offsets/N} as Spark wrote them, the metadata line without its {@code conf} (Spark's settings,
 * the bulk of it, which no reader uses), and for an Iceberg offset the ingest high-water it had read
 * ({@code "ingestHighWater":k}, see {@link HighWater}). A file holds the {@value #CHUNK} batches from its name on, so a batch has
 * one file whatever process writes it, and the directory grows by a file per 10 000 batches.
 *
 * <p>Crash safety, the reason for each rule:
 * <ul>
 *   <li>A line is appended only once {@code commits/N} exists, so the history never names a batch Spark has not
 *   committed, and readers take every batch in it as committed ({@link #read}).</li>
 *   <li>The job appends before Spark can purge: at the start of batch N's body it records every committed batch
 *   after the last one recorded (N-1 at most), while Spark purges only batches below N - minBatchesToRetain.</li>
 *   <li>Batches are appended in id order and only above the last recorded one: a batch redone after a crash is
 *   not recorded twice; a reader keeps the first line of an id all the same.</li>
 *   <li>A kill mid-append leaves a torn last line: readers skip it, and the writer cuts it off before appending.
 *   A torn line before the last of a file is nothing this writer leaves: an error naming the file.</li>
 * </ul>
 * Local data roots only ({@code java.nio}); as Spark's own logs, the file is not forced to disk on each append.
 */
public final class BatchHistory {

    /** The history's directory under a query's checkpoint. */
    public static final String DIR = "history";
    /** Batches per file. */
    public static final long CHUNK = 10_000;

    private static final Pattern FILE = Pattern.compile("(\\d+)\\.jsonl");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The highest ingest batch a windows batch's Iceberg offset had read ({@code IngestHighWater#readTo}), worked out
     * when the batch is recorded: its snapshots are certainly there then (expiry keeps the windows query's resume
     * snapshot and what follows), and may be expired long before a reader asks about a window that batch sealed.
     */
    @FunctionalInterface
    public interface HighWater {
        OptionalLong of(StreamingOffset offset);
    }

    /** A recorded batch and, for an Iceberg offset, the ingest high-water recorded with it (null when none). */
    public record Entry(BatchOffsets batch, Long ingestHighWater) {
    }

    private final Path checkpoint;
    private final Path dir;
    private final HighWater highWater;
    private long lastRecorded = -1;
    /** The newest file and its size as this writer left it; anything else means another writer: read it again. */
    private Path newest;
    private long newestSize = -1;

    private BatchHistory(Path checkpoint, HighWater highWater) {
        this.checkpoint = checkpoint;
        this.dir = checkpoint.resolve(DIR);
        this.highWater = highWater;
    }

    /** The writer of {@code checkpoint}'s history; reads nothing until the first {@link #catchUp}. */
    public static BatchHistory of(Path checkpoint) {
        return new BatchHistory(checkpoint, null);
    }

    /**
     * As {@link #of(Path)}, recording with each batch whose offset is Iceberg's the ingest high-water
     * {@code highWater} gives ({@code "ingestHighWater":k}; nothing when it cannot be told).
     */
    public static BatchHistory of(Path checkpoint, HighWater highWater) {
        return new BatchHistory(checkpoint, highWater);
    }

    /**
     * Appends every batch with a {@code commits/N} above the last one recorded, in id order; the number appended.
     * A committed batch whose {@code offsets/N} is already gone (a data root written before the history existed) is
     * left out: it cannot be recorded any more.
     */
    public synchronized int catchUp() {
        try {
            if (!unchangedSinceLastAppend()) {
                lastRecorded = repairAndFindLast();
            }
            Set<Long> offsets = new HashSet<>(CheckpointLog.batchIds(checkpoint.resolve("offsets")));
            int appended = 0;
            for (long id : CheckpointLog.batchIds(checkpoint.resolve("commits"))) {
                if (id <= lastRecorded || !offsets.contains(id)) {
                    continue;
                }
                List<String> lines;
                try {
                    lines = Files.readAllLines(checkpoint.resolve("offsets").resolve(Long.toString(id)),
                            StandardCharsets.UTF_8);
                } catch (NoSuchFileException purged) {
                    continue;
                }
                Long recorded = null;
                if (highWater != null) {
                    StreamingOffset table = CheckpointLog.parse(id + "", id, lines, true).tableOffset();
                    OptionalLong h = table == null ? OptionalLong.empty() : highWater.of(table);
                    recorded = h.isPresent() ? h.getAsLong() : null;
                }
                append(id, line(id, lines, recorded));
                lastRecorded = id;
                appended++;
            }
            return appended;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the committed batches of " + checkpoint + " in " + dir
                    + ": " + e.getMessage(), e);
        }
    }

    /** The history's line of batch {@code id} whose {@code offsets/N} reads {@code offsetsLines}. */
    public static String line(long id, List<String> offsetsLines) {
        return line(id, offsetsLines, null);
    }

    /** As {@link #line(long, List)}, with the ingest high-water of its Iceberg offset (null: none). */
    public static String line(long id, List<String> offsetsLines, Long ingestHighWater) {
        ObjectNode out = JSON.createObjectNode();
        out.put("batchId", id);
        if (ingestHighWater != null) {
            out.put("ingestHighWater", ingestHighWater);
        }
        ArrayNode lines = out.putArray("offsets");
        for (int i = 0; i < offsetsLines.size(); i++) {
            String l = offsetsLines.get(i);
            if (i == 1) {
                try {
                    JsonNode meta = JSON.readTree(l);
                    if (meta instanceof ObjectNode o) {
                        o.remove("conf");
                        l = JSON.writeValueAsString(o);
                    }
                } catch (IOException notJson) {
                    // kept as written: the reader reports it as it would report offsets/N
                }
            }
            lines.add(l);
        }
        try {
            return JSON.writeValueAsString(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The batches in {@code checkpoint}'s history, by id, each committed; empty when it has none. The first line of
     * an id wins (a second one is the same batch).
     *
     * @throws IllegalArgumentException naming the file and line when a line before a file's last is not one the job
     *                                  writes
     */
    public static Map<Long, BatchOffsets> read(Path checkpoint) {
        Map<Long, BatchOffsets> out = new TreeMap<>();
        entries(checkpoint).forEach((id, e) -> out.put(id, e.batch()));
        return out;
    }

    /**
     * The ingest high-water recorded with each windows batch of {@code checkpoint}'s history whose offset is
     * Iceberg's, by batch id: what a reader uses once the snapshots that offset names are expired.
     */
    public static Map<Long, Long> ingestHighWaters(Path checkpoint) {
        Map<Long, Long> out = new TreeMap<>();
        entries(checkpoint).forEach((id, e) -> {
            if (e.ingestHighWater() != null) {
                out.put(id, e.ingestHighWater());
            }
        });
        return out;
    }

    /** Every recorded batch with what was recorded with it, by id (as {@link #read}). */
    public static Map<Long, Entry> entries(Path checkpoint) {
        Path dir = checkpoint.resolve(DIR);
        Map<Long, Entry> out = new TreeMap<>();
        for (Path f : chunks(dir)) {
            List<String> lines;
            try {
                lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException torn) {
                    if (i == lines.size() - 1) {
                        continue; // cut by a kill mid-append, or being appended as we read
                    }
                    throw new IllegalArgumentException(f + " line " + (i + 1) + " is not JSON, and only the last"
                            + " line of the batch history can be torn: " + line, torn);
                }
                if (!n.path("batchId").canConvertToLong() || !n.path("offsets").isArray()) {
                    throw new IllegalArgumentException(f + " line " + (i + 1) + ": expected {\"batchId\":N,"
                            + "\"offsets\":[...]}, got " + line);
                }
                long id = n.get("batchId").asLong();
                List<String> offsets = new ArrayList<>();
                n.get("offsets").forEach(l -> offsets.add(l.asText()));
                Long h = n.path("ingestHighWater").canConvertToLong() ? n.get("ingestHighWater").asLong() : null;
                out.putIfAbsent(id, new Entry(CheckpointLog.parse(f + " line " + (i + 1), id, offsets, true), h));
            }
        }
        return out;
    }

    /** The history's files in batch order. */
    static List<Path> chunks(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            TreeMap<Long, Path> byFirst = new TreeMap<>();
            s.forEach(p -> {
                Matcher m = FILE.matcher(p.getFileName().toString());
                if (m.matches()) {
                    byFirst.put(Long.parseLong(m.group(1)), p);
                }
            });
            return List.copyOf(byFirst.values());
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private void append(long id, String line) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve(Math.floorDiv(id, CHUNK) * CHUNK + ".jsonl");
        try (FileChannel c = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                c.write(b);
            }
            newest = f;
            newestSize = c.size();
        }
    }

    /**
     * Whether the history is as this writer left it (the job has one writer per checkpoint, so after the first
     * read it is): the same newest file, of the size it left it. Costs a listing, not a read of the file.
     */
    private boolean unchangedSinceLastAppend() throws IOException {
        if (newest == null) {
            return false;
        }
        List<Path> files = chunks(dir);
        return !files.isEmpty() && files.get(files.size() - 1).equals(newest) && Files.size(newest) == newestSize;
    }

    /**
     * The last batch id recorded, -1 when none: the newest file's last whole line, after cutting off a torn one (a
     * kill mid-append), so that the next line starts on a line of its own.
     */
    private long repairAndFindLast() throws IOException {
        List<Path> files = chunks(dir);
        newest = null;
        for (int k = files.size() - 1; k >= 0; k--) {
            Path f = files.get(k);
            byte[] bytes = Files.readAllBytes(f);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--;
            }
            if (end < bytes.length) {
                try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    c.truncate(end);
                }
            }
            if (k == files.size() - 1) {
                newest = f;
                newestSize = end;
            }
            String[] lines = new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                if (lines[i].isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(lines[i]);
                if (n.path("batchId").canConvertToLong()) {
                    return n.get("batchId").asLong();
                }
            }
        }
        return -1;
    }
}
