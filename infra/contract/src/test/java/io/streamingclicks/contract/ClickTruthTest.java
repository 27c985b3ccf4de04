package io.streamingclicks.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ClickTruthTest {

    private static final ClickTruth TRUTH = ClickTruth.fromSettings(defaults(Map.of()), -1.25);

    /** A settings lookup over {@code env}, defaults for the rest: what the producer passes. */
    static Function<Setting, String> defaults(Map<String, String> env) {
        return s -> s.from(env);
    }

    @Test
    void propensityAndAttractivenessAreFixedByTheIdAndTheSeedAlone() {
        ClickTruth again = ClickTruth.fromSettings(defaults(Map.of()), 0.5);
        ClickTruth otherSeed = ClickTruth.fromSettings(defaults(Map.of("PRODUCER_CLICK_SEED", "2")), -1.25);
        assertThat(again.userPropensity("1001")).isEqualTo(TRUTH.userPropensity("1001"));
        assertThat(again.pageAttractiveness("/home")).isEqualTo(TRUTH.pageAttractiveness("/home"));
        assertThat(otherSeed.userPropensity("1001")).isNotEqualTo(TRUTH.userPropensity("1001"));
        // A user and a page with the same id draw different deviates.
        assertThat(TRUTH.userPropensity("x")).isNotEqualTo(TRUTH.pageAttractiveness("x"));
        // Pinned bits, also what a 15-line Python port of the class comment's recipe prints: another JVM, a Spark
        // executor or a port must compute exactly these.
        assertThat(ClickTruth.standardNormal(1, "user", "1001")).isEqualTo(-1.5331294252716379);
        assertThat(ClickTruth.standardNormal(1, "page", "/home")).isEqualTo(-1.0136776442199222);
    }

    @Test
    void theDeviatesAreStandardNormalAndScaledByTheSpread() {
        int n = 100_000;
        double sum = 0;
        double sq = 0;
        int beyond2 = 0;
        for (int i = 0; i < n; i++) {
            double z = ClickTruth.standardNormal(1, "user", Long.toString(1001 + i));
            sum += z;
            sq += z * z;
            beyond2 += Math.abs(z) > 2 ? 1 : 0;
        }
        assertThat(sum / n).isCloseTo(0, within(0.02));
        assertThat(sq / n).isCloseTo(1, within(0.02));
        assertThat(beyond2 / (double) n).as("P(|z| > 2)").isCloseTo(0.0455, within(0.003));
        ClickTruth wide = ClickTruth.fromSettings(defaults(Map.of("PRODUCER_CLICK_USER_SPREAD", "2.5")), 0);
        assertThat(wide.userPropensity("1001")).isCloseTo(2.5 * ClickTruth.standardNormal(1, "user", "1001"),
                within(1e-12));
    }

    @Test
    void theProbabilityIsTheSigmoidOfBasePlusBothEffectsPlusGammaOnARevisit() {
        double logit = -1.25 + TRUTH.userPropensity("1042") + TRUTH.pageAttractiveness("/search");
        assertThat(TRUTH.clickProbability("1042", "/search", false)).isCloseTo(1 / (1 + Math.exp(-logit)),
                within(1e-12));
        assertThat(TRUTH.clickProbability("1042", "/search", true)).isCloseTo(1 / (1 + Math.exp(-logit - 1.0)),
                within(1e-12));
        assertThat(TRUTH.isRevisit(0, Duration.ofMinutes(30).toMillis())).as("the window's start is in").isTrue();
        assertThat(TRUTH.isRevisit(0, Duration.ofMinutes(30).toMillis() + 1)).isFalse();
        assertThat(TRUTH.isRevisit(5, 5)).as("a view at the same instant is not before").isFalse();
    }

    @Test
    void truthJsonRoundTripsAndSaysWhatDiffers() {
        ClickTruth t = ClickTruth.fromSettings(defaults(Map.of("PRODUCER_CLICK_SEED", "-9000000000000000001",
                "PRODUCER_CLICK_GAMMA", "-0.75", "PRODUCER_CLICK_DELAY_MAX", "PT2.5S")), -1.0 / 3);
        String json = t.toJson();
        assertThat(json).contains("\"seed\": -9000000000000000001", "\"click_delay_max_ms\": 2500",
                "\"revisit_window_ms\": 1800000", "\"model\": \"propensity\"");
        assertThat(ClickTruth.fromJson(json)).isEqualTo(t);
        // Any order and spacing, unknown keys ignored.
        assertThat(ClickTruth.fromJson("{\"future\":\"x\",\"base\":-0.3333333333333333,\"version\":1,"
                + "\"model\":\"propensity\",\"seed\":-9000000000000000001,\"user_spread\":1.0,\"page_spread\":1,"
                + "\"gamma\":-0.75,\"click_delay_min_ms\":1000,\"click_delay_max_ms\":2500,"
                + "\"revisit_window_ms\":1800000}")).isEqualTo(t);
        assertThat(t.differences(t.withBase(0), false)).isEmpty();
        assertThat(t.differences(TRUTH, true)).containsExactly(
                "PRODUCER_CLICK_SEED: truth.json has -9000000000000000001, this start 1",
                "PRODUCER_CLICK_GAMMA: truth.json has -0.75, this start 1.0",
                "PRODUCER_CLICK_BASE: truth.json has -0.3333333333333333, this start -1.25",
                "PRODUCER_CLICK_DELAY_MAX: truth.json has PT2.5S, this start PT10S");
        assertThatThrownBy(() -> ClickTruth.fromJson(json.replace("\"version\": 1", "\"version\": 2")))
                .hasMessageContaining("version 2");
        assertThatThrownBy(() -> ClickTruth.fromJson(json.replaceAll("\"gamma\": [^,]+,", "")))
                .hasMessageContaining("\"gamma\"");
        assertThatThrownBy(() -> ClickTruth.fromJson("[1]")).hasMessageContaining("one JSON object");
        assertThat(DataRoot.of("data").truth()).isEqualTo("data/ledger/truth.json");
    }

    @Test
    void aBadSettingIsNamedWithItsRange() {
        Map<String, String> bad = new HashMap<>();
        bad.put("PRODUCER_CLICK_USER_SPREAD", "4");
        assertThatThrownBy(() -> ClickTruth.fromSettings(defaults(bad), 0))
                .hasMessage("PRODUCER_CLICK_USER_SPREAD must be a number in 0.0..3.0, got '4.0'");
        assertThatThrownBy(() -> ClickTruth.fromSettings(defaults(Map.of("PRODUCER_CLICK_GAMMA", "lots")), 0))
                .hasMessage("PRODUCER_CLICK_GAMMA must be a number in -5.0..5.0, got 'not a number'");
        assertThatThrownBy(() -> ClickTruth.fromSettings(defaults(Map.of("PRODUCER_CLICK_MODEL", "markov")), 0))
                .hasMessage("PRODUCER_CLICK_MODEL must be propensity or independent, got 'markov'");
        assertThatThrownBy(() -> ClickTruth.fromSettings(defaults(Map.of("PRODUCER_CLICK_SEED", "1.5")), 0))
                .hasMessageStartingWith("PRODUCER_CLICK_SEED must be an integer");
        assertThatThrownBy(() -> ClickTruth.fromSettings(defaults(Map.of("PRODUCER_CLICK_DELAY_MIN", "PT0S")), 0))
                .hasMessageStartingWith("PRODUCER_CLICK_DELAY_MIN must lie in PT0.001S..PT5M");
        assertThatThrownBy(() -> ClickTruth.fromSettings(defaults(Map.of("PRODUCER_CLICK_DELAY_MAX", "PT0.5S")), 0))
                .hasMessageStartingWith("PRODUCER_CLICK_DELAY_MAX must lie in PRODUCER_CLICK_DELAY_MIN (PT1S)..PT5M");
        assertThatThrownBy(() -> ClickTruth.fromSettings(defaults(Map.of("PRODUCER_CLICK_REVISIT_WINDOW", "P2D")), 0))
                .hasMessageStartingWith("PRODUCER_CLICK_REVISIT_WINDOW must lie in PT1S..PT24H");
        assertThatThrownBy(() -> ClickTruth.configuredBase(defaults(Map.of("PRODUCER_CLICK_BASE", "21"))))
                .hasMessage("PRODUCER_CLICK_BASE must be 'auto' or a number in -20.0..20.0, got '21.0'");
        assertThat(ClickTruth.configuredBase(defaults(Map.of()))).isEmpty();
        assertThat(ClickTruth.configuredBase(defaults(Map.of("PRODUCER_CLICK_BASE", "-2"))).getAsDouble())
                .isEqualTo(-2);
    }
}
