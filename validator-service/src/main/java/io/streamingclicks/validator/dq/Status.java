package io.streamingclicks.validator.dq;

/**
 * Outcome of one check; the gauge value is the ordinal (0 pass, 1 warn, 2 fail, 3 not applicable: the check cannot
 * apply to this data root, e.g. a Kafka reconciliation on the file source's output, and says why; never a pass).
 */
public enum Status {
    PASS, WARN, FAIL, NOT_APPLICABLE;

    /** pass at or below {@code warn}, warn up to {@code fail}, fail beyond (null thresholds are not used). */
    public static Status grade(double value, Double warn, Double fail) {
        if (fail != null && value > fail) {
            return FAIL;
        }
        if (warn != null && value > warn) {
            return WARN;
        }
        return PASS;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
