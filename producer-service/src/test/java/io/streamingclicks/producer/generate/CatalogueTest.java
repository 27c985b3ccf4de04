package io.streamingclicks.producer.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamingclicks.contract.ClickEvent;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CatalogueTest {

    @Test
    void pagePopularityFallsOffAsOneOverRankToTheSkewSoTopNIsStable() {
        Catalogue c = new Catalogue(1000, 20, 1.0, GeneratorSettings.DEFAULT_ACTIONS);
        SplittableRandom r = new SplittableRandom(42);
        Map<String, Integer> hits = new HashMap<>();
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            hits.merge(c.page(r), 1, Integer::sum);
        }
        assertThat(hits).hasSize(20);
        double h20 = 0;
        for (int k = 1; k <= 20; k++) {
            h20 += 1.0 / k;
        }
        // rank 1 gets 1/H(20) of the traffic, rank 2 half of that, rank 10 a tenth.
        assertThat(hits.get("/home") / (double) n).isCloseTo(1 / h20, within(0.01));
        assertThat(hits.get("/search") / (double) hits.get("/home")).isCloseTo(0.5, within(0.03));
        assertThat(hits.get(Catalogue.pageName(9)) / (double) hits.get("/home")).isCloseTo(0.1, within(0.02));
    }

    @Test
    void skewZeroIsUniformAndUsersStayInThePopulation() {
        Catalogue c = new Catalogue(50, 4, 0, Map.of("view", 1.0));
        SplittableRandom r = new SplittableRandom(7);
        Map<String, Integer> hits = new HashMap<>();
        for (int i = 0; i < 40_000; i++) {
            hits.merge(c.page(r), 1, Integer::sum);
            assertThat(Long.parseLong(c.user(r))).isBetween(1001L, 1050L);
        }
        hits.values().forEach(h -> assertThat(h / 40_000.0).isCloseTo(0.25, within(0.02)));
    }

    @Test
    void actionsFollowTheirWeightsAndOnlyViewsHaveADuration() {
        EventFactory f = new EventFactory(new Catalogue(10, 5, 1.1, Map.of("view", 3.0, "click", 1.0)), 4000);
        SplittableRandom r = new SplittableRandom(1);
        int views = 0;
        long viewMs = 0;
        for (int i = 0; i < 20_000; i++) {
            ClickEvent e = f.event(r, Instant.EPOCH);
            if (e.action().equals("view")) {
                views++;
                viewMs += e.durationMs();
            } else {
                assertThat(e.action()).isEqualTo("click");
                assertThat(e.durationMs()).isZero();
            }
        }
        assertThat(views / 20_000.0).isCloseTo(0.75, within(0.02));
        assertThat(viewMs / (double) views).isCloseTo(4000, within(300.0));
    }
}
