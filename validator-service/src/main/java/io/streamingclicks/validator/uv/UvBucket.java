package io.streamingclicks.validator.uv;

import java.time.Instant;

/**
 * UV of one bucket: the estimate of the union of its windows' sketches with the union's bounds at
 * {@link SketchUnion#NUM_STD_DEV} standard deviations (all null when no window of the bucket has a sketch), how many
 * window sketches were merged and how many uv rows had none, and whether every window of the bucket is sealed.
 */
public record UvBucket(Instant start, Instant end, Long estimate, Double lower, Double upper, int windows,
                       int windowsWithoutSketch, boolean complete) {
}
