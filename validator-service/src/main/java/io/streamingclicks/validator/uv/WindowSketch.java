package io.streamingclicks.validator.uv;

import java.time.Instant;

/** One uv row: its window start and its HLL sketch bytes (null when the job wrote none). */
public record WindowSketch(Instant windowStart, byte[] sketch) {
}
