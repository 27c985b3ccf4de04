package io.streamingclicks.producer.burst;

import java.time.Duration;
import java.util.List;

/**
 * A validated burst request: {@code count} events at event clock + {@code offset}, on one page or drawn from the
 * catalogue, from the listed users, from the first {@code userCount} users, or from the whole population.
 */
public record BurstSpec(int count, Duration offset, String pageId, List<String> users, Integer userCount) {
}
