package io.streamingclicks.validator.dq;

import io.smallrye.config.SmallRyeConfigBuilder;
import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.db.DuckDb;
import io.streamingclicks.validator.db.SqlFile;
import io.streamingclicks.validator.db.Workspace;
import io.streamingclicks.validator.pipeline.SnapshotReader;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.config.Config;

/**
 * {@code make dq}: runs every check once over the committed output under {@code DATA_DIR} (no server, an in-memory
 * DuckDB, no history written), prints a table (check, status, measured, threshold, detail) and exits 1 if any check
 * fails (2 if the checks cannot run at all); a check that cannot apply (NOT_APPLICABLE, with its reason) does not
 * fail. Reads the same settings as the service, from the environment.
 */
public final class OneShotDq {

    private OneShotDq() {
    }

    public static void main(String[] args) {
        System.exit(run(new SmallRyeConfigBuilder().addDefaultSources().build(), System.out, System.err));
    }

    /** @return the process exit code: 0 all pass or warn, 1 a check failed, 2 the checks could not run */
    public static int run(Config config, PrintStream out, PrintStream err) {
        List<CheckResult> results = new ArrayList<>();
        try {
            ValidatorSettings settings = new ValidatorSettings(config);
            if (!java.nio.file.Files.isDirectory(settings.dataDir())) {
                err.println("error: DATA_DIR " + settings.dataDir() + " is not a directory");
                return 2;
            }
            DuckDb db = DuckDb.inMemory(settings,
                    config.getOptionalValue("validator.duckdb.memory-limit", String.class).orElse("512MB"), 2);
            try (Workspace ws = Workspace.open(db, SqlFile.load(), SnapshotReader.read(settings),
                    settings.window().toMillis(), settings.uvRsd())) {
                for (Check c : checks(settings, config)) {
                    try {
                        results.addAll(c.run(ws));
                    } catch (Exception e) {
                        results.add(new CheckResult("error_" + c.getClass().getSimpleName(), Status.FAIL, null, null,
                                null, "could not run: " + e.getMessage(), java.time.Instant.now()));
                    }
                }
            } finally {
                db.closeStandalone();
            }
        } catch (Exception e) {
            err.println("error: the checks could not run: " + e.getMessage());
            return 2;
        }
        out.print(table(results));
        long failed = results.stream().filter(r -> r.status() == Status.FAIL).count();
        out.println(failed == 0 ? "dq: all " + results.size() + " checks pass (or warn)"
                : "dq: " + failed + " of " + results.size() + " checks FAIL");
        return failed == 0 ? 0 : 1;
    }

    /** Every check the service schedules, wired by hand with the service's thresholds and their defaults. */
    static List<Check> checks(ValidatorSettings settings, Config config) {
        QuarantineRateCheck q = new QuarantineRateCheck();
        q.warn = config.getOptionalValue("validator.quarantine.warn-rate", Double.class).orElse(0.01);
        q.fail = config.getOptionalValue("validator.quarantine.fail-rate", Double.class).orElse(0.05);
        FreshnessCheck f = new FreshnessCheck();
        f.warn = duration(config, "validator.freshness.warn-lag", "PT20M");
        f.fail = duration(config, "validator.freshness.fail-lag", "PT1H");
        ProducerToKafkaCheck p = new ProducerToKafkaCheck();
        p.settings = settings;
        ProducerToLandingCheck pl = new ProducerToLandingCheck();
        pl.settings = settings;
        TopNAgreementCheck t = new TopNAgreementCheck();
        HourlyHllCheck hourly = new HourlyHllCheck();
        hourly.settings = settings;
        hourly.unions = io.streamingclicks.validator.uv.UvBuckets.of(settings, 0);
        LeakageChecks leakage = new LeakageChecks();
        leakage.settings = settings;
        leakage.rows = config.getOptionalValue("validator.samples.recompute-rows", Integer.class).orElse(200);
        leakage.seed = config.getOptionalValue("validator.samples.seed", Long.class).orElse(15L);
        return List.of(new NullKeysCheck(), new DuplicateKeysCheck(), new OffsetsContiguousCheck(),
                new LandingLinesCheck(), new CompletenessCheck(), new HllAccuracyCheck(), hourly, new EventsToPvCheck(),
                p, pl, q, f, t, leakage);
    }

    private static Duration duration(Config config, String name, String dflt) {
        return io.streamingclicks.contract.Durations.parse(name,
                config.getOptionalValue(name, String.class).orElse(dflt));
    }

    static String table(List<CheckResult> results) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-32s %-14s %14s %-22s %s%n",
                "check", "status", "measured", "threshold (warn/fail)", "detail"));
        for (CheckResult r : results) {
            String threshold = (r.warnThreshold() == null ? "-" : num(r.warnThreshold())) + " / "
                    + (r.failThreshold() == null ? "-" : num(r.failThreshold()));
            b.append(String.format(Locale.ROOT, "%-32s %-14s %14s %-22s %s%n", r.check(), r.status(),
                    r.value() == null ? "-" : num(r.value()), threshold, r.detail() == null ? "" : r.detail()));
        }
        return b.toString();
    }

    private static String num(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.format(Locale.ROOT, "%.4g", d);
    }
}
