package io.streamingclicks.validator.dq;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.db.DuckDb;
import io.streamingclicks.validator.db.DuckDbAccess;
import io.streamingclicks.validator.db.SqlFile;
import io.streamingclicks.validator.db.Workspace;
import io.streamingclicks.validator.pipeline.SnapshotReader;

/** The checks wired by hand over a real DuckDB and a data root on disk (no CDI container needed). */
final class Harness implements AutoCloseable {

    final ValidatorSettings settings;
    final DuckDb db;

    Harness(Path dataDir, Map<String, String> extra) {
        Map<String, String> props = new HashMap<>(extra);
        props.put("DATA_DIR", dataDir.toString());
        settings = new ValidatorSettings(new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(props, "test", 500)).build());
        db = DuckDbAccess.open(settings);
    }

    List<CheckResult> runAll() throws Exception {
        QuarantineRateCheck q = new QuarantineRateCheck();
        q.warn = 0.01;
        q.fail = 0.05;
        FreshnessCheck f = new FreshnessCheck();
        f.warn = java.time.Duration.ofMinutes(20);
        f.fail = java.time.Duration.ofHours(1);
        ProducerToKafkaCheck p = new ProducerToKafkaCheck();
        p.settings = settings;
        ProducerToLandingCheck pl = new ProducerToLandingCheck();
        pl.settings = settings;
        HourlyHllCheck hourly = new HourlyHllCheck();
        hourly.settings = settings;
        hourly.unions = io.streamingclicks.validator.uv.UvBuckets.of(settings, 0);
        List<Check> checks = List.of(new NullKeysCheck(), new DuplicateKeysCheck(), new OffsetsContiguousCheck(),
                new LandingLinesCheck(), new CompletenessCheck(), new HllAccuracyCheck(), hourly, new EventsToPvCheck(),
                p, pl, q, f);
        List<CheckResult> out = new java.util.ArrayList<>();
        try (Workspace ws = Workspace.open(db, SqlFile.load(), SnapshotReader.read(settings), settings.window().toMillis(),
                settings.uvRsd())) {
            for (Check c : checks) {
                out.addAll(c.run(ws));
            }
        }
        return out;
    }

    /** The leakage checks as the service wires them, recomputing {@code rows} samples (seed 15). */
    LeakageChecks leakage(int rows) {
        LeakageChecks l = new LeakageChecks();
        l.settings = settings;
        l.rows = rows;
        l.seed = 15;
        return l;
    }

    /** Runs {@code check} alone over the data root's current snapshot. */
    List<CheckResult> run(Check check) throws Exception {
        try (Workspace ws = Workspace.open(db, SqlFile.load(), SnapshotReader.read(settings),
                settings.window().toMillis(), settings.uvRsd())) {
            return check.run(ws);
        }
    }

    static Map<String, CheckResult> byName(List<CheckResult> results) {
        Map<String, CheckResult> m = new HashMap<>();
        results.forEach(r -> m.put(r.check(), r));
        return m;
    }

    @Override
    public void close() throws Exception {
        DuckDbAccess.close(db);
    }
}
