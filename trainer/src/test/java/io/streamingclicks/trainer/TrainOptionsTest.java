package io.streamingclicks.trainer;

import io.streamingclicks.job.options.UsageException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ranges widened to whole hours as make samples widens them; what is missing or wrong is named by its setting. */
class TrainOptionsTest {

    static TrainOptions parse(String... args) {
        return TrainOptions.parse(args, Map.of());
    }

    @Test
    void theTestRangeFollowsTheTrainRangeUnlessGivenAndBothAreWholeHours() {
        TrainOptions o = parse("--train-from", "2026-12-01T04:20", "--train-to", "2026-12-01T06",
                "--test-to", "2026-12-01T06:30:00Z");
        assertThat(o.trainFrom()).isEqualTo(Instant.parse("2026-12-01T04:00:00Z"));
        assertThat(o.trainTo()).isEqualTo(Instant.parse("2026-12-01T06:00:00Z"));
        assertThat(o.testFrom()).isEqualTo(o.trainTo());
        assertThat(o.testTo()).isEqualTo(Instant.parse("2026-12-01T07:00:00Z"));
        assertThat(o.regParam()).isZero();
        assertThat(o.dataDir()).isEqualTo("data");
        TrainOptions later = parse("--train-from", "2026-12-01T04", "--train-to", "2026-12-01T06",
                "--test-from", "2026-12-01T08", "--test-to", "2026-12-01T09", "--reg", "0.01");
        assertThat(later.testFrom()).isEqualTo(Instant.parse("2026-12-01T08:00:00Z"));
        assertThat(later.regParam()).isEqualTo(0.01);
    }

    @Test
    void namesEveryMissingSettingAndRefusesOverlapAndBadValues() {
        assertThatThrownBy(() -> parse("--train-from", "2026-12-01T04", "--test-from", ""))
                .isInstanceOf(UsageException.class)
                .hasMessage("missing TRAIN_TO (--train-to), TEST_TO (--test-to)");
        assertThatThrownBy(() -> parse("--train-from", "2026-12-01T04", "--train-to", "2026-12-01T06",
                "--test-from", "2026-12-01T05", "--test-to", "2026-12-01T07"))
                .hasMessageContaining("overlaps the train range");
        assertThatThrownBy(() -> parse("--train-from", "yesterday", "--train-to", "2026-12-01T06",
                "--test-to", "2026-12-01T07"))
                .hasMessageContaining("TRAIN_FROM/TRAIN_TO: not a UTC time: 'yesterday'");
        assertThatThrownBy(() -> parse("--train-from", "2026-12-01T04", "--train-to", "2026-12-01T06",
                "--test-to", "2026-12-01T07", "--reg", "-1"))
                .hasMessageContaining("TRAIN_REG (--reg) must be a number >= 0, got '-1'");
    }
}
