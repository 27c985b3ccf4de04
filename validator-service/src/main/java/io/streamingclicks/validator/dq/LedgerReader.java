package io.streamingclicks.validator.dq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.streamingclicks.contract.LedgerFormat;

/**
 * Reads the producer's ledger ({@link LedgerFormat}) into settled per-(second, page) sums. A count line is settled
 * once a later flush's offset lines show every partition's highest acknowledged offset below what the job has
 * committed: its records have then all been read. A key with any unsettled line is left out.
 * <p>A flush is its count lines, then one offset line per partition whose highest acknowledged offset moved. The
 * offsets are judged once the whole run of offset lines is read, never after the first of them: the others would
 * still hold the previous flush's (lower) offsets, and a key whose records went to those partitions past what the
 * job has read would be settled too early and reported lost (seen end to end right after a job restart, when the
 * job had caught up with the previous flush). A run at the end of a file counts only when the file ends with a
 * whole line: a flush is appended in one write, so a reader that meets a cut line knows the flush is still coming.
 */
public final class LedgerReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Sums for one (event-time second, page). */
    public record Sums(long acked, long inDoubt) {
        Sums plus(Sums o) {
            return new Sums(acked + o.acked, inDoubt + o.inDoubt);
        }
    }

    /** Settled sums by key {@code "<epoch ms of the second>|<page_id>"}, and every key the ledger names. */
    public record Ledger(Map<String, Sums> settled, Set<String> allKeys, boolean present) {
    }

    private LedgerReader() {
    }

    public static String key(long secondMs, String page) {
        return secondMs + "|" + page;
    }

    /** @param committedEnd per partition, the end offset (exclusive) of what the events sink has committed */
    public static Ledger read(Path dir, Map<Integer, Long> committedEnd) {
        if (!Files.isDirectory(dir)) {
            return new Ledger(Map.of(), Set.of(), false);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().startsWith(LedgerFormat.FILE_PREFIX)
                    && p.getFileName().toString().endsWith(LedgerFormat.FILE_SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the ledger " + dir, e);
        }
        Map<String, Sums> settled = new HashMap<>();
        Set<String> unsettled = new HashSet<>();
        Set<String> all = new HashSet<>();
        for (Path f : files) {
            String content;
            try {
                content = Files.readString(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
            readFile(content.lines().toList(), content.endsWith("\n"), committedEnd, settled, unsettled, all);
        }
        unsettled.forEach(settled::remove);
        return new Ledger(settled, all, !files.isEmpty());
    }

    /**
     * Every count line of every ledger file, summed per key, all marked settled: for the landing mode, whose ledger
     * has no offset lines; the caller decides which keys are settled.
     */
    public static Ledger readAll(Path dir) {
        Ledger none = new Ledger(Map.of(), Set.of(), false);
        if (!Files.isDirectory(dir)) {
            return none;
        }
        List<Path> files = files(dir);
        Map<String, Sums> sums = new HashMap<>();
        for (Path f : files) {
            List<String> lines;
            try {
                lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
            for (String line : lines) {
                JsonNode n = parse(line);
                if (n != null && n.path(LedgerFormat.TYPE).asText().equals(LedgerFormat.TYPE_COUNT)) {
                    sums.merge(countKey(n), countSums(n), Sums::plus);
                }
            }
        }
        return new Ledger(sums, Set.copyOf(sums.keySet()), !files.isEmpty());
    }

    private static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(LedgerFormat.FILE_PREFIX)
                    && p.getFileName().toString().endsWith(LedgerFormat.FILE_SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the ledger " + dir, e);
        }
    }

    /** @param complete whether the file ends with a whole line, so a run of offset lines at its end is whole */
    static void readFile(List<String> lines, boolean complete, Map<Integer, Long> committedEnd,
                         Map<String, Sums> settled, Set<String> unsettled, Set<String> all) {
        Map<String, Sums> pending = new HashMap<>();
        Map<Integer, Long> maxAcked = new HashMap<>();
        boolean inOffsetRun = false;
        for (String line : lines) {
            JsonNode n = parse(line);
            if (n == null) {
                continue;
            }
            String type = n.path(LedgerFormat.TYPE).asText();
            if (type.equals(LedgerFormat.TYPE_OFFSET)) {
                maxAcked.put(n.path(LedgerFormat.PARTITION).asInt(), n.path(LedgerFormat.MAX_ACKED_OFFSET).asLong());
                inOffsetRun = true;
                continue;
            }
            if (inOffsetRun) {
                settleIfConsumed(pending, maxAcked, committedEnd, settled);
                inOffsetRun = false;
            }
            if (type.equals(LedgerFormat.TYPE_COUNT)) {
                String k = countKey(n);
                all.add(k);
                pending.merge(k, countSums(n), Sums::plus);
            }
        }
        if (inOffsetRun && complete) {
            settleIfConsumed(pending, maxAcked, committedEnd, settled);
        }
        unsettled.addAll(pending.keySet());
    }

    /** One ledger line, or null for an empty or partial one (the producer may be appending it). */
    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException partial) {
            return null;
        }
    }

    private static String countKey(JsonNode count) {
        return key(Instant.parse(count.path(LedgerFormat.SECOND).asText()).toEpochMilli(),
                count.path(LedgerFormat.PAGE_ID).asText());
    }

    private static Sums countSums(JsonNode count) {
        return new Sums(count.path(LedgerFormat.ACKED).asLong(), count.path(LedgerFormat.IN_DOUBT).asLong());
    }

    private static void settleIfConsumed(Map<String, Sums> pending, Map<Integer, Long> maxAcked,
                                         Map<Integer, Long> committedEnd, Map<String, Sums> settled) {
        boolean consumed = maxAcked.entrySet().stream()
                .allMatch(e -> e.getValue() < committedEnd.getOrDefault(e.getKey(), 0L));
        if (consumed) {
            pending.forEach((k, v) -> settled.merge(k, v, Sums::plus));
            pending.clear();
        }
    }
}
