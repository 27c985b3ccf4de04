package io.streamingclicks.accounting.ledger;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ledger as the validator judges it (link 1): per (second, page), the acknowledged and in-doubt sums of the
 * count lines that are settled, i.e. whose records the job has certainly read. A count line is settled once a later
 * flush's offset lines show every partition's highest acknowledged offset below what the job has committed. A key
 * with any unsettled line is left out of {@link #settled}.
 * <p>A flush is its count lines, then one offset line per partition whose highest acknowledged offset moved. The
 * offsets are judged once the whole run of offset lines is read, never after the first of them: the others would
 * still hold the previous flush's (lower) offsets, and a key whose records went to those partitions past what the
 * job has read would be settled too early and reported lost (seen end to end right after a job restart, when the
 * job had caught up with the previous flush). A run at the end of a file counts only when the file ends with a
 * whole line: a flush is appended in one write, so a reader that meets a cut line knows the flush is still coming.
 *
 * @param settled settled sums per key
 * @param allKeys every key the ledger names (settled or not): events under any other key are external
 * @param present whether there is a ledger at all
 */
public record SettledLedger(Map<Key, Sums> settled, Set<Key> allKeys, boolean present) {

    /** One (event-time second, page), the unit link 1 compares; {@code toString} is {@code "<ms>|<page>"}. */
    public record Key(long secondMs, String pageId) implements Comparable<Key> {

        @Override
        public int compareTo(Key o) {
            int c = Long.compare(secondMs, o.secondMs);
            return c != 0 ? c : pageId.compareTo(o.pageId);
        }

        public static Key of(Instant second, String pageId) {
            return new Key(second.toEpochMilli(), pageId);
        }

        @Override
        public String toString() {
            return secondMs + "|" + pageId;
        }
    }

    /** Sums for one key. */
    public record Sums(long acked, long inDoubt) {

        public Sums plus(Sums o) {
            return new Sums(acked + o.acked, inDoubt + o.inDoubt);
        }
    }

    /** @param committedEnd per partition, the end offset (exclusive) of what the events sink has committed */
    public static SettledLedger read(Path dir, Map<Integer, Long> committedEnd) {
        List<LedgerFiles.Content> files = LedgerFiles.readAll(dir);
        Map<Key, Sums> settled = new HashMap<>();
        Set<Key> unsettled = new HashSet<>();
        Set<Key> all = new HashSet<>();
        for (LedgerFiles.Content f : files) {
            settleFile(f.lines(), f.endsWithWholeLine(), committedEnd, settled, unsettled, all);
        }
        unsettled.forEach(settled::remove);
        return new SettledLedger(Map.copyOf(settled), Set.copyOf(all), !files.isEmpty());
    }

    /**
     * Every count line of every ledger file, summed per key, all marked settled: for the landing mode, whose ledger
     * has no offset lines; the caller decides which keys are settled.
     */
    public static SettledLedger readAll(Path dir) {
        List<LedgerFiles.Content> files = LedgerFiles.readAll(dir);
        Map<Key, Sums> sums = new HashMap<>();
        for (LedgerFiles.Content f : files) {
            for (LedgerLine line : f.lines()) {
                if (line instanceof LedgerLine.Count c) {
                    sums.merge(key(c), sums(c), Sums::plus);
                }
            }
        }
        return new SettledLedger(Map.copyOf(sums), Set.copyOf(sums.keySet()), !files.isEmpty());
    }

    /** One file's lines in order; {@code complete}: the file ends with a whole line, so a final offset run is whole. */
    static void settleFile(List<LedgerLine> lines, boolean complete, Map<Integer, Long> committedEnd,
                           Map<Key, Sums> settled, Set<Key> unsettled, Set<Key> all) {
        Map<Key, Sums> pending = new HashMap<>();
        Map<Integer, Long> maxAcked = new HashMap<>();
        boolean inOffsetRun = false;
        for (LedgerLine line : lines) {
            if (line instanceof LedgerLine.Offset o) {
                maxAcked.put(o.partition(), o.maxAckedOffset());
                inOffsetRun = true;
                continue;
            }
            if (inOffsetRun) {
                settleIfConsumed(pending, maxAcked, committedEnd, settled);
                inOffsetRun = false;
            }
            if (line instanceof LedgerLine.Count c) {
                Key k = key(c);
                all.add(k);
                pending.merge(k, sums(c), Sums::plus);
            }
        }
        if (inOffsetRun && complete) {
            settleIfConsumed(pending, maxAcked, committedEnd, settled);
        }
        unsettled.addAll(pending.keySet());
    }

    private static Key key(LedgerLine.Count c) {
        return Key.of(c.second(), c.pageId());
    }

    private static Sums sums(LedgerLine.Count c) {
        return new Sums(c.acked(), c.inDoubt());
    }

    private static void settleIfConsumed(Map<Key, Sums> pending, Map<Integer, Long> maxAcked,
                                         Map<Integer, Long> committedEnd, Map<Key, Sums> settled) {
        boolean consumed = maxAcked.entrySet().stream()
                .allMatch(e -> e.getValue() < committedEnd.getOrDefault(e.getKey(), 0L));
        if (consumed) {
            pending.forEach((k, v) -> settled.merge(k, v, Sums::plus));
            pending.clear();
        }
    }
}
