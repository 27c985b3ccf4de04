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
 * once a later offset line of its file shows every partition's highest acknowledged offset below what the job has
 * committed: its records have then all been read. A key with any unsettled line is left out.
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
            List<String> lines;
            try {
                lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
            readFile(lines, committedEnd, settled, unsettled, all);
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
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException partial) {
                    continue; // the producer is appending this line
                }
                if (n != null && n.path(LedgerFormat.TYPE).asText().equals(LedgerFormat.TYPE_COUNT)) {
                    long second = Instant.parse(n.path(LedgerFormat.SECOND).asText()).toEpochMilli();
                    sums.merge(key(second, n.path(LedgerFormat.PAGE_ID).asText()),
                            new Sums(n.path(LedgerFormat.ACKED).asLong(), n.path(LedgerFormat.IN_DOUBT).asLong()),
                            Sums::plus);
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

    static void readFile(List<String> lines, Map<Integer, Long> committedEnd, Map<String, Sums> settled,
                         Set<String> unsettled, Set<String> all) {
        Map<String, Sums> pending = new HashMap<>();
        Map<Integer, Long> maxAcked = new HashMap<>();
        for (String line : lines) {
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException partial) {
                continue; // the producer is appending this line
            }
            if (n == null) {
                continue;
            }
            String type = n.path(LedgerFormat.TYPE).asText();
            if (type.equals(LedgerFormat.TYPE_COUNT)) {
                long second = Instant.parse(n.path(LedgerFormat.SECOND).asText()).toEpochMilli();
                String k = key(second, n.path(LedgerFormat.PAGE_ID).asText());
                all.add(k);
                pending.merge(k, new Sums(n.path(LedgerFormat.ACKED).asLong(), n.path(LedgerFormat.IN_DOUBT).asLong()),
                        Sums::plus);
            } else if (type.equals(LedgerFormat.TYPE_OFFSET)) {
                maxAcked.put(n.path(LedgerFormat.PARTITION).asInt(), n.path(LedgerFormat.MAX_ACKED_OFFSET).asLong());
                boolean consumed = maxAcked.entrySet().stream()
                        .allMatch(e -> e.getValue() < committedEnd.getOrDefault(e.getKey(), 0L));
                if (consumed) {
                    pending.forEach((k, v) -> settled.merge(k, v, Sums::plus));
                    pending.clear();
                }
            }
        }
        unsettled.addAll(pending.keySet());
    }
}
