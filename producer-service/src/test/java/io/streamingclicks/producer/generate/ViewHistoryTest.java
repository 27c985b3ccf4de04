package io.streamingclicks.producer.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamingclicks.contract.ClickTruth;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ViewHistoryTest {

    static final long MIN = 60_000;
    final ClickTruth truth = ClickTruth.fromSettings(s -> s.from(Map.of()), 0);

    @Test
    void aRevisitIsAViewOfThePairWithinTheWindowBefore() {
        ViewHistory h = new ViewHistory(truth, 10);
        assertThat(h.viewed("1001", "/home", 0)).isFalse();
        assertThat(h.viewed("1001", "/home", 30 * MIN)).as("exactly 30 minutes later").isTrue();
        assertThat(h.viewed("1001", "/search", 30 * MIN)).as("another page").isFalse();
        assertThat(h.viewed("1002", "/home", 30 * MIN)).as("another user").isFalse();
        assertThat(h.viewed("1001", "/home", 60 * MIN + 1)).as("30 minutes and 1 ms").isFalse();
        assertThat(h.viewed("1001", "/home", 60 * MIN + 1)).as("the same instant is not before").isFalse();
    }

    @Test
    void theBoundDropsTheLeastRecentlyViewedAndCountsThoseStillInTheWindow() {
        ViewHistory h = new ViewHistory(truth, 2);
        h.viewed("1", "/a", 0);
        h.viewed("2", "/a", MIN);
        h.viewed("1", "/a", 2 * MIN);
        h.viewed("3", "/a", 3 * MIN);
        assertThat(h.size()).isEqualTo(2);
        assertThat(h.droppedInWindow()).as("2's view, a minute old").isEqualTo(1);
        assertThat(h.viewed("2", "/a", 4 * MIN)).as("forgotten: drawn as a first view").isFalse();
        assertThat(h.viewed("1", "/a", 5 * MIN)).as("1 was dropped in turn").isFalse();
        h.viewed("9", "/z", 100 * MIN);
        h.viewed("8", "/z", 100 * MIN);
        assertThat(h.droppedInWindow()).as("old keys dropped do not count").isEqualTo(3);
    }
}
