package io.streamingclicks.validator.web;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.streamingclicks.validator.fixture.StackFixture;

/** The Top-N of a fixture window worked out by hand from the pv it wrote: pv descending, ties by page id. */
final class ExpectedTopN {

    private ExpectedTopN() {
    }

    static List<Map.Entry<String, Long>> of(StackFixture f, int window, int n) {
        return f.expectedPv(window).entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, Long> e) -> -e.getValue())
                        .thenComparing(Map.Entry::getKey))
                .limit(n).toList();
    }
}
