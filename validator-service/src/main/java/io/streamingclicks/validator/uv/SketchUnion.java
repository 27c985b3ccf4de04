package io.streamingclicks.validator.uv;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * Merges window sketches into buckets: a distinct count cannot be summed over windows (a user present in several
 * windows would count once per window), but HLL sketches merge by taking each register's maximum, so the union of
 * the windows' sketches is the sketch of every user of the bucket. Heap API only (heapify of byte arrays).
 */
public final class SketchUnion {

    /** The bounds' width in standard deviations (about 95 % coverage). */
    public static final int NUM_STD_DEV = 2;

    private SketchUnion() {
    }

    /**
     * One bucket per bucket start that has at least one uv row in {@code rows}, oldest first. {@code lgK} is the
     * union's lgMaxK: the sketches' own lgK (from UV_RSD); a sketch with a larger lgK would be reduced to it.
     */
    public static List<UvBucket> buckets(List<WindowSketch> rows, Duration bucket, int lgK, Long sealedMs) {
        Merger m = new Merger(bucket, lgK);
        rows.forEach(r -> m.add(r.windowStart(), r.sketch()));
        return m.buckets(sealedMs);
    }

    /**
     * Merges rows as they are read: each sketch is heapified into its bucket's union and dropped, so a request holds
     * one union per bucket (16 KB at lgK 14), not every window's bytes (140 MB for 30 days of 5-minute windows).
     */
    public static final class Merger {

        private final long size;
        private final int lgK;
        private final Map<Long, Union> unions = new TreeMap<>();
        private final Map<Long, int[]> counts = new TreeMap<>();

        public Merger(Duration bucket, int lgK) {
            this.size = bucket.toMillis();
            this.lgK = lgK;
        }

        /** One uv row: its window start and sketch bytes (null: a row without a sketch). */
        public void add(Instant windowStart, byte[] sketch) {
            long start = Math.floorDiv(windowStart.toEpochMilli(), size) * size;
            int[] c = counts.computeIfAbsent(start, k -> new int[2]);
            if (sketch == null) {
                c[1]++;
            } else {
                unions.computeIfAbsent(start, k -> new Union(lgK)).update(HllSketch.heapify(sketch));
                c[0]++;
            }
        }

        /** The buckets with at least one row, oldest first; complete when the bucket ends at or before sealedMs. */
        public List<UvBucket> buckets(Long sealedMs) {
            List<UvBucket> out = new ArrayList<>();
            for (Map.Entry<Long, int[]> b : counts.entrySet()) {
                Instant start = Instant.ofEpochMilli(b.getKey());
                Instant end = start.plusMillis(size);
                boolean complete = sealedMs != null && end.toEpochMilli() <= sealedMs;
                int merged = b.getValue()[0];
                int without = b.getValue()[1];
                if (merged == 0) {
                    out.add(new UvBucket(start, end, null, null, null, 0, without, complete));
                } else {
                    HllSketch u = unions.get(b.getKey()).getResult(TgtHllType.HLL_8);
                    out.add(new UvBucket(start, end, Math.round(u.getEstimate()), u.getLowerBound(NUM_STD_DEV),
                            u.getUpperBound(NUM_STD_DEV), merged, without, complete));
                }
            }
            return out;
        }
    }
}
