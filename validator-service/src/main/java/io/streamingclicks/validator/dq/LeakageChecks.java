package io.streamingclicks.validator.dq;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.streamingclicks.contract.OutputFormat;
import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.db.Workspace;

/**
 * The proof that {@code make samples} does not leak (docs/features.md): three results over its outputs.
 * <ul>
 * <li>{@code samples_naive_recompute}: for a seeded random sample of samples, every feature, each feature row's
 * {@code source_max_event_time} and the label recomputed by a naive scan of the counted events (link 3's own
 * verdict); every difference is a mismatch.</li>
 * <li>{@code features_source_before_t}: over the whole feature tables, rows whose latest source event is not
 * strictly before the sample's time.</li>
 * <li>{@code samples_premature_labels}: over the whole samples table, samples derived before the window holding
 * the end of their label interval was sealed; on the random sample, a label 0 with a counted click inside its
 * interval (premature or wrong) and a label 1 without one.</li>
 * </ul>
 * Not applicable without samples, and on the Iceberg format, where {@code make samples} cannot run (it reads
 * {@code parquet/events} through {@code _spark_metadata}).
 */
@ApplicationScoped
public class LeakageChecks implements Check {

    static final String RECOMPUTE = "samples_naive_recompute";
    static final String SOURCE = "features_source_before_t";
    static final String PREMATURE = "samples_premature_labels";
    private static final List<String> NAMES = List.of(RECOMPUTE, SOURCE, PREMATURE);
    /** How many mismatches a result names; the rest are counted (queries.sql's samples_recompute lists all). */
    private static final int NAMED = 10;

    @Inject
    ValidatorSettings settings;

    /** How many samples the naive recompute checks (all when there are fewer). */
    @ConfigProperty(name = "validator.samples.recompute-rows", defaultValue = "200")
    int rows;

    /** Which samples: the same seed picks the same rows of the same table. */
    @ConfigProperty(name = "validator.samples.seed", defaultValue = "15")
    long seed;

    @Override
    public List<CheckResult> run(Workspace ws) throws Exception {
        if (settings.outputFormat() == OutputFormat.ICEBERG) {
            return notApplicable("OUTPUT_FORMAT=iceberg: make samples reads parquet/events through its"
                    + " _spark_metadata, which the Iceberg format does not write, so no samples can exist");
        }
        if (SampleTables.bind(ws, settings.dataDir()) == 0) {
            return notApplicable("no samples: parquet/samples holds no hour (make samples FROM= TO= derives them)");
        }
        List<CheckResult> out = new ArrayList<>();
        List<Map<String, Object>> sampled = ws.rows("samples_recompute", Map.of("sample_rows", rows,
                "sample_seed", seed));
        Map<String, Object> finality = ws.row("samples_finality");
        long total = DuplicateKeysCheck.n(finality, "samples");
        out.add(recompute(sampled, total));
        out.add(sourceBeforeT(ws.rows("features_source_before_t")));
        out.add(premature(finality, sampled));
        return out;
    }

    private CheckResult recompute(List<Map<String, Object>> sampled, long total) {
        List<String> named = new ArrayList<>();
        long mismatches = 0;
        long samplesWrong = 0;
        for (Map<String, Object> r : sampled) {
            List<String> wrong = SampleRecompute.mismatches(r);
            mismatches += wrong.size();
            samplesWrong += wrong.isEmpty() ? 0 : 1;
            for (String w : wrong) {
                if (named.size() < NAMED) {
                    named.add(w + " at " + SampleRecompute.key(r));
                }
            }
        }
        String detail = mismatches + " mismatches in " + samplesWrong + " of " + sampled.size() + " samples"
                + " recomputed from counted events (seed " + seed + ", of " + total + " samples)"
                + (named.isEmpty() ? "" : ": " + String.join("; ", named)
                + (mismatches > named.size() ? "; " + (mismatches - named.size()) + " more" : ""));
        return CheckResult.zero(RECOMPUTE, mismatches, detail);
    }

    private static CheckResult sourceBeforeT(List<Map<String, Object>> tables) {
        long bad = 0;
        StringBuilder detail = new StringBuilder();
        for (Map<String, Object> t : tables) {
            long b = DuplicateKeysCheck.n(t, "bad");
            bad += b;
            detail.append(detail.isEmpty() ? "" : ", ").append(t.get("output")).append(": ").append(b).append(" of ")
                    .append(t.get("n")).append(b == 0 ? "" : " (first at " + t.get("first_bad") + ")");
        }
        return CheckResult.zero(SOURCE, bad, "feature rows with a source event at or after their sample's time: "
                + detail);
    }

    private static CheckResult premature(Map<String, Object> f, List<Map<String, Object>> sampled) {
        long unsealed = DuplicateKeysCheck.n(f, "unsealed");
        long beyond = DuplicateKeysCheck.n(f, "beyond_checkpoint");
        long unrecorded = DuplicateKeysCheck.n(f, "unrecorded");
        long zeroWithClick = 0;
        long oneWithout = 0;
        for (Map<String, Object> r : sampled) {
            Object stored = r.get("stored_label");
            Object naive = r.get("naive_label");
            if (stored instanceof Number s && naive instanceof Number n && s.intValue() != n.intValue()) {
                zeroWithClick += s.intValue() == 0 ? 1 : 0;
                oneWithout += s.intValue() == 1 ? 1 : 0;
            }
        }
        long bad = unsealed + beyond + unrecorded + zeroWithClick + oneWithout;
        Object sealedAt = f.get("sealed_at");
        String detail = unsealed + " of " + f.get("samples") + " samples derived before the window holding their"
                + " label_until was sealed" + (unsealed == 0 ? "" : " (first at " + f.get("first_unsealed") + ")")
                + ", " + beyond + " with a sealed_at beyond chk/windows' committed watermark, " + unrecorded
                + " without label_until/sealed_at (derived by an older make samples: derive them again); of "
                + sampled.size() + " recomputed: " + zeroWithClick + " label 0 with a counted click in its interval"
                + " (premature or wrong), " + oneWithout + " label 1 without one"
                + (sealedAt instanceof Instant i ? "; latest sealed_at " + i : "");
        return CheckResult.zero(PREMATURE, bad, detail);
    }

    private static List<CheckResult> notApplicable(String reason) {
        return NAMES.stream().map(n -> CheckResult.notApplicable(n, reason)).toList();
    }
}
