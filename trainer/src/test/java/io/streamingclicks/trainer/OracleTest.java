package io.streamingclicks.trainer;

import io.streamingclicks.contract.ClickTruth;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** r from user_page_seconds_since_last_view at ClickTruth.isRevisit's boundary, and p as ClickTruth computes it. */
class OracleTest {

    static final ClickTruth TRUTH = new ClickTruth(ClickTruth.Model.PROPENSITY, 1, 1.0, 1.0, 1.0, -0.9,
            Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(30));
    static final long T = 1_764_583_200_123_000L; // 2025-12-01T10:00:00.123Z in microseconds

    /** The feature as the samples command computes it: a microsecond difference over 1e6. */
    static Double since(long viewMicros) {
        return (double) (T - viewMicros) / 1e6;
    }

    @Test
    void aViewExactlyOneWindowBeforeIsARevisitAndOneMillisecondMoreIsNot() {
        Oracle o = new Oracle(TRUTH);
        long window = Duration.ofMinutes(30).toNanos() / 1000;
        assertThat(o.revisit(T, since(T - window))).isTrue();
        assertThat(o.revisit(T, since(T - window - 1000))).isFalse();
        assertThat(o.revisit(T, since(T - window + 1000))).isTrue();
        assertThat(o.revisit(T, since(T - 1000))).isTrue();
        assertThat(o.revisit(T, null)).as("no view in 24 h").isFalse();
        // odd milliseconds recovered exactly from the double
        for (long ms = 1_799_990; ms <= 1_800_010; ms++) {
            assertThat(o.revisit(T, since(T - ms * 1000))).as("%d ms", ms).isEqualTo(ms <= 1_800_000);
        }
    }

    @Test
    void theProbabilityIsClickTruthsWithThatR() {
        Oracle o = new Oracle(TRUTH);
        assertThat(o.probability("1007", "/home", T, since(T - 60_000_000)))
                .isEqualTo(TRUTH.clickProbability("1007", "/home", true));
        assertThat(o.probability("1007", "/home", T, since(T - 3_600_000_000L)))
                .isEqualTo(TRUTH.clickProbability("1007", "/home", false));
    }
}
