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
        long size = bucket.toMillis();
        Map<Long, List<WindowSketch>> byBucket = new TreeMap<>();
        for (WindowSketch r : rows) {
            long start = Math.floorDiv(r.windowStart().toEpochMilli(), size) * size;
            byBucket.computeIfAbsent(start, k -> new ArrayList<>()).add(r);
        }
        List<UvBucket> out = new ArrayList<>();
        for (Map.Entry<Long, List<WindowSketch>> b : byBucket.entrySet()) {
            Union union = new Union(lgK);
            int merged = 0;
            int without = 0;
            for (WindowSketch w : b.getValue()) {
                if (w.sketch() == null) {
                    without++;
                } else {
                    union.update(HllSketch.heapify(w.sketch()));
                    merged++;
                }
            }
            Instant start = Instant.ofEpochMilli(b.getKey());
            Instant end = start.plus(bucket);
            boolean complete = sealedMs != null && end.toEpochMilli() <= sealedMs;
            if (merged == 0) {
                out.add(new UvBucket(start, end, null, null, null, 0, without, complete));
            } else {
                HllSketch u = union.getResult(TgtHllType.HLL_8);
                out.add(new UvBucket(start, end, Math.round(u.getEstimate()), u.getLowerBound(NUM_STD_DEV),
                        u.getUpperBound(NUM_STD_DEV), merged, without, complete));
            }
        }
        return out;
    }
}
