package io.streamingclicks.accounting.links;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import io.streamingclicks.accounting.spark.CheckpointLog;

/**
 * Link 2, what the job read to what it wrote (docs/accounting.md): per Kafka partition, the offsets present in the
 * events and quarantine outputs together are contiguous from the first offset read up to the committed end offset
 * (exclusive, from the ingest query's last committed {@code offsets/N}: one query writes both outputs, batch N of it
 * is {@code _spark_metadata/N} of both): no gap (a record lost), no repeat (a record written twice), none at or past
 * the end (output of a batch that did not commit) nor before a start the caller gives.
 *
 * @param partitions per partition, what was found
 */
public record Link2(Map<Integer, Partition> partitions) {

    /** One record of the output: where it was read from. */
    public record Read(int partition, long offset) {
    }

    /** A run of offsets {@code [from, to)}. */
    public record Range(long from, long to) {

        public long size() {
            return to - from;
        }
    }

    /**
     * @param first    the start given, else the first offset read, else the end
     * @param end      the committed end offset (exclusive)
     * @param present  distinct offsets in {@code [first, end)}
     * @param gaps     runs of offsets in {@code [first, end)} not in the output
     * @param repeats  offsets in the output more than once, with how many times
     * @param outside  distinct offsets before the start given or at or past the end
     */
    public record Partition(int partition, long first, long end, long present, List<Range> gaps,
                            Map<Long, Integer> repeats, long outside) {

        public boolean holds() {
            return gaps.isEmpty() && repeats.isEmpty() && outside == 0;
        }

        public long missing() {
            return gaps.stream().mapToLong(Range::size).sum();
        }
    }

    public boolean holds() {
        return partitions.values().stream().allMatch(Partition::holds);
    }

    /**
     * Over the ingest query's checkpoint ({@code chk/ingest}): up to the end offsets of its last committed batch
     * (nothing committed: every row read is outside), from the first offset read per partition.
     *
     * @param ingest the ingest query's checkpoint, on Kafka
     * @param reads  every committed row of events and quarantine, as (partition, offset)
     * @throws IllegalArgumentException when the ingest query read the file source (link 2 is then by landing line)
     */
    public static Link2 check(CheckpointLog ingest, Collection<Read> reads) {
        Map<Integer, Long> end = ingest.lastCommitted().map(b -> {
            if (b.fileLogOffset() != null) {
                throw new IllegalArgumentException("ingest batch " + b.batchId() + " read the file source"
                        + " ({\"logOffset\":" + b.fileLogOffset() + "}), not Kafka: link 2 there is by landing line");
            }
            return b.endOffsets();
        }).orElse(Map.of());
        return check(reads, end);
    }

    /**
     * From the first offset read per partition: right when the start is not known (the topic's retention may have
     * deleted the first records before the job read them); a partition with nothing read has no gap.
     *
     * @param reads      every record of events and quarantine, as (partition, offset)
     * @param endOffsets per partition, the committed end offset; a partition read but not named here has end 0
     */
    public static Link2 check(Collection<Read> reads, Map<Integer, Long> endOffsets) {
        return check(reads, Map.of(), endOffsets);
    }

    /** @param startOffsets per partition, where the output must start (e.g. 0 on a topic that kept everything) */
    public static Link2 check(Collection<Read> reads, Map<Integer, Long> startOffsets, Map<Integer, Long> endOffsets) {
        Map<Integer, List<Long>> byPartition = new TreeMap<>();
        endOffsets.keySet().forEach(p -> byPartition.put(p, new ArrayList<>()));
        reads.forEach(r -> byPartition.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r.offset()));
        Map<Integer, Partition> out = new TreeMap<>();
        byPartition.forEach((p, offsets) -> out.put(p, partition(p, offsets, startOffsets.get(p),
                endOffsets.getOrDefault(p, 0L))));
        return new Link2(out);
    }

    private static Partition partition(int p, List<Long> offsets, Long start, long end) {
        long[] sorted = offsets.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        long first = start != null ? start : sorted.length == 0 ? end : Math.min(sorted[0], end);
        List<Range> gaps = new ArrayList<>();
        Map<Long, Integer> repeats = new TreeMap<>();
        TreeSet<Long> outside = new TreeSet<>();
        long present = 0;
        long expected = first;
        for (int i = 0; i < sorted.length; i++) {
            long o = sorted[i];
            if (i > 0 && sorted[i - 1] == o) {
                repeats.merge(o, 1, Integer::sum);
                continue;
            }
            if (o < first || o >= end) {
                outside.add(o);
                continue;
            }
            if (o > expected) {
                gaps.add(new Range(expected, o));
            }
            present++;
            expected = o + 1;
        }
        if (expected < end) {
            gaps.add(new Range(expected, end));
        }
        repeats.replaceAll((o, extra) -> extra + 1);
        return new Partition(p, first, end, present, List.copyOf(gaps), Map.copyOf(repeats), outside.size());
    }
}
