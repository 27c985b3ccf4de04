package io.streamingclicks.producer.landing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of one landing file, {@code clicks-<run>-<seq>-<late>.jsonl}: the run that wrote it (its ledger file's run
 * id), the roll's sequence number in that run (0, 1, ...) and how many of its lines, the last ones, are deliberately
 * late. The name alone tells a restarted producer how to book a file its crashed run never wrote down. Its temp file
 * is the same name with a leading {@code .} and a {@code .tmp} suffix, which Spark's file source never reads.
 */
public record LandingName(String run, long seq, int late) {

    private static final Pattern VISIBLE = Pattern.compile("clicks-(\\d+)-(\\d+)-(\\d+)\\.jsonl");
    private static final Pattern TEMP = Pattern.compile("\\.clicks-(\\d+)-(\\d+)-(\\d+)\\.jsonl\\.tmp");

    public String fileName() {
        // Zero-padded so that a directory listing shows a run's files in roll order.
        return String.format("clicks-%s-%08d-%d.jsonl", run, seq, late);
    }

    public String tempName() {
        return "." + fileName() + ".tmp";
    }

    /** The name of a visible landing file, or null for any other name (temp files, other writers' files). */
    public static LandingName parse(String fileName) {
        return parse(VISIBLE.matcher(fileName));
    }

    /** The name behind a temp file, or null if {@code fileName} is not one. */
    public static LandingName parseTemp(String fileName) {
        return parse(TEMP.matcher(fileName));
    }

    private static LandingName parse(Matcher m) {
        if (!m.matches()) {
            return null;
        }
        try {
            return new LandingName(m.group(1), Long.parseLong(m.group(2)), Integer.parseInt(m.group(3)));
        } catch (NumberFormatException tooLong) {
            return null;
        }
    }
}
