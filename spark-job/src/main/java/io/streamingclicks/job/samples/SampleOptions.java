package io.streamingclicks.job.samples;

import io.streamingclicks.contract.Durations;
import io.streamingclicks.job.options.BatchCommand;
import io.streamingclicks.job.options.UsageException;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of {@code Main samples}: the range (widened to whole UTC hours: the output is replaced an hour at a
 * time), the label horizon, the data root and the Spark master.
 */
public record SampleOptions(Instant from, Instant to, Duration horizon, String dataDir, String master) {

    public static String usage() {
        return """
                usage: spark-job.jar samples --from TIME --to TIME [--horizon PT10M] [--data-dir DIR] [--master M]
                  --from, --to   UTC times (2026-12-01T10:00:00Z, 2026-12-01T10:00, 2026-12-01T10 or 2026-12-01),
                                 widened to whole hours: FROM down, TO up
                  --horizon      label horizon H (ISO-8601 or '10 minutes'), default PT10M
                  --data-dir     data root, a local path (DATA_DIR, default data)
                  --master       Spark master (JOB_MASTER, default local[2])
                """;
    }

    public static SampleOptions parse(String[] args, Map<String, String> env) {
        Map<String, String> o = new HashMap<>(Map.of("--data-dir", env.getOrDefault("DATA_DIR", "data"),
                "--master", env.getOrDefault("JOB_MASTER", "local[2]")));
        BatchCommand.forEachOption(args, (a, v) -> {
            if (!List.of("--from", "--to", "--horizon", "--data-dir", "--master").contains(a)) {
                throw new UsageException("unknown option " + a);
            }
            o.put(a, v);
        });
        String from = o.get("--from");
        String to = o.get("--to");
        Duration horizon = o.containsKey("--horizon") ? duration(o.get("--horizon")) : FeatureSpec.DEFAULT_HORIZON;
        String dataDir = o.get("--data-dir");
        String master = o.get("--master");
        if (from == null || to == null) {
            throw new UsageException("--from and --to are required");
        }
        Instant f = time(from).truncatedTo(ChronoUnit.HOURS);
        Instant t = ceilHour(time(to));
        if (!t.isAfter(f)) {
            throw new UsageException("--to (" + to + ") must be after --from (" + from + ")");
        }
        return new SampleOptions(f, t, horizon, dataDir, master);
    }

    /** The hours of the range, as their start instants. */
    public java.util.List<Instant> hours() {
        java.util.List<Instant> out = new java.util.ArrayList<>();
        for (Instant h = from; h.isBefore(to); h = h.plus(1, ChronoUnit.HOURS)) {
            out.add(h);
        }
        return out;
    }

    static Instant time(String s) {
        String v = s.strip();
        try {
            if (v.endsWith("Z") || v.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return java.time.OffsetDateTime.parse(v).toInstant();
            }
            if (v.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (v.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}")) {
                v = v + ":00";
            }
            return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new UsageException("not a UTC time: '" + s + "' (e.g. 2026-12-01T10:00:00Z or 2026-12-01T10)");
        }
    }

    static Instant ceilHour(Instant t) {
        Instant down = t.truncatedTo(ChronoUnit.HOURS);
        return down.equals(t) ? t : down.plus(1, ChronoUnit.HOURS);
    }

    private static Duration duration(String v) {
        try {
            return Durations.parsePositive("--horizon", v);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
