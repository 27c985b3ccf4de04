package io.streamingclicks.trainer;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The exact AUC on cases computed by hand, on ties, and against counting every pair. */
class ExactAucTest {

    @Test
    void aHandComputedCase() {
        // positives at 0.9, 0.4; negatives at 0.7, 0.3, 0.1. Pairs ordered right: 0.9 beats all 3, 0.4 beats 0.3 and
        // 0.1: 5 of 6.
        ExactAuc.Result r = ExactAuc.of(new double[] {0.9, 0.7, 0.4, 0.3, 0.1}, new int[] {1, 0, 1, 0, 0});
        assertThat(r.auc()).isEqualTo(5.0 / 6);
        assertThat(r.positives()).isEqualTo(2);
        assertThat(r.negatives()).isEqualTo(3);
    }

    @Test
    void aTieCountsOneHalf() {
        // positive 0.5 ties negative 0.5 (1/2) and beats 0.2 (1); positive 0.8 beats both: (1.5 + 2) / 4
        ExactAuc.Result r = ExactAuc.of(new double[] {0.8, 0.5, 0.5, 0.2}, new int[] {1, 1, 0, 0});
        assertThat(r.auc()).isEqualTo(3.5 / 4);
    }

    @Test
    void allScoresEqualIsOneHalfAndPerfectOrderIsOne() {
        assertThat(ExactAuc.of(new double[] {3, 3, 3, 3, 3}, new int[] {1, 0, 0, 1, 0}).auc()).isEqualTo(0.5);
        assertThat(ExactAuc.of(new double[] {1, 2, 3, 4}, new int[] {0, 0, 1, 1}).auc()).isEqualTo(1.0);
        assertThat(ExactAuc.of(new double[] {1, 2, 3, 4}, new int[] {1, 1, 0, 0}).auc()).isEqualTo(0.0);
        assertThat(ExactAuc.of(new double[] {0.0, -0.0, 1}, new int[] {1, 0, 1}).auc())
                .as("-0.0 and 0.0 tie").isEqualTo(0.75);
    }

    @Test
    void equalsTheShareOfPairsOrderedRightOnRandomScoresWithManyTies() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 2000;
        double[] s = new double[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = r.nextInt(40) / 10.0;
            y[i] = r.nextDouble() < 0.2 + s[i] / 10 ? 1 : 0;
        }
        assertThat(ExactAuc.of(s, y).auc()).isCloseTo(pairs(s, y), within(1e-12));
    }

    @Test
    void refusesWhatHasNoAuc() {
        assertThatThrownBy(() -> ExactAuc.of(new double[] {1, 2}, new int[] {0, 0}))
                .hasMessageContaining("0 positives and 2 negatives");
        assertThatThrownBy(() -> ExactAuc.of(new double[] {Double.NaN, 2}, new int[] {1, 0}))
                .hasMessageContaining("NaN");
    }

    /** Every (positive, negative) pair: 1 if ordered right, 1/2 if tied. */
    static double pairs(double[] s, int[] y) {
        double right = 0;
        long n = 0;
        for (int i = 0; i < s.length; i++) {
            if (y[i] != 1) {
                continue;
            }
            for (int j = 0; j < s.length; j++) {
                if (y[j] == 0) {
                    right += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                    n++;
                }
            }
        }
        return right / n;
    }
}
