package io.streamingclicks.validator.dq;

import java.time.Instant;

/** One check's outcome: its measured value, the thresholds it was graded against, a sentence for a person. */
public record CheckResult(String check, Status status, Double value, Double warnThreshold, Double failThreshold,
                          String detail, Instant checkedAt) {

    public static CheckResult graded(String check, double value, Double warn, Double fail, String detail) {
        return new CheckResult(check, Status.grade(value, warn, fail), value, warn, fail, detail, Instant.now());
    }

    /** A check that cannot apply to this data root, with the reason (no value, no thresholds). */
    public static CheckResult notApplicable(String check, String reason) {
        return new CheckResult(check, Status.NOT_APPLICABLE, null, null, null, "not applicable: " + reason,
                Instant.now());
    }

    /** A count that must be zero. */
    public static CheckResult zero(String check, long bad, String detail) {
        return graded(check, bad, null, 0.0, detail);
    }
}
