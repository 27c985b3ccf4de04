package io.streamingclicks.validator.dq;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.streamingclicks.validator.fixture.SparkJobFixtures;

/**
 * The leakage checks on real derivations of {@code make samples} (spark-job's SamplesValidatorFixtureTest writes
 * them, see {@link SparkJobFixtures}): each passes on the healthy one and fails on a deliberately broken one. In
 * {@code samples-sample-last} the features were derived with a sample sorting after the events of its own time,
 * so every window is (t - w, t] (its own view counted): the naive recompute and the source check fail. In
 * {@code samples-unsealed} the range was derived before the windows query had sealed TO + H, and a click inside a
 * label interval was counted after: the premature-label check fails (and the recompute, on that label).
 */
class LeakageChecksTest {

    static final Path HEALTHY = SparkJobFixtures.of("samples");
    static final Path SAMPLE_LAST = SparkJobFixtures.of("samples-sample-last");
    static final Path UNSEALED = SparkJobFixtures.of("samples-unsealed");

    @TempDir
    Path tmp;

    @Test
    void aHealthyDerivationPassesAllThreeWithEverySampleRecomputed() throws Exception {
        Path root = copy(HEALTHY);
        long samples = Long.parseLong(SparkJobFixtures.properties(root).getProperty("samples"));
        Map<String, CheckResult> all = run(root, 1_000_000);
        assertThat(all.values()).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(Status.PASS));
        assertThat(all.get(LeakageChecks.RECOMPUTE).detail())
                .startsWith("0 mismatches in 0 of " + samples + " samples recomputed");
        assertThat(all.get(LeakageChecks.SOURCE).detail()).contains("features/user: 0 of " + samples);
        assertThat(all.get(LeakageChecks.PREMATURE).detail()).startsWith("0 of " + samples + " samples derived")
                .contains("0 label 0 with a counted click in its interval (premature or wrong), 0 label 1 without");

        Map<String, CheckResult> sampled = run(root, 50);
        assertThat(sampled.get(LeakageChecks.RECOMPUTE).detail()).startsWith("0 mismatches in 0 of 50 samples");
    }

    @Test
    void featuresOverTMinusWToTIncludedFailTheRecomputeAndTheSourceCheck() throws Exception {
        Map<String, CheckResult> r = run(copy(SAMPLE_LAST), 200);
        r.values().forEach(c -> System.out.println("sample-last: " + c));
        assertThat(r.get(LeakageChecks.RECOMPUTE).status()).isEqualTo(Status.FAIL);
        assertThat(r.get(LeakageChecks.RECOMPUTE).detail()).contains("user_views_1h stored ");
        assertThat(r.get(LeakageChecks.SOURCE).status()).isEqualTo(Status.FAIL);
        assertThat(r.get(LeakageChecks.SOURCE).value()).isPositive();
        assertThat(r.get(LeakageChecks.PREMATURE).status()).as("its labels are right and final").isEqualTo(Status.PASS);
    }

    @Test
    void aRangeDerivedBeforeItWasSealedFailsThePrematureLabelCheck() throws Exception {
        Map<String, CheckResult> r = run(copy(UNSEALED), 200);
        r.values().forEach(c -> System.out.println("unsealed: " + c));
        CheckResult premature = r.get(LeakageChecks.PREMATURE);
        assertThat(premature.status()).isEqualTo(Status.FAIL);
        assertThat(premature.detail()).startsWith("2 of 3 samples derived before the window holding their"
                + " label_until was sealed").contains("1 label 0 with a counted click in its interval");
        assertThat(r.get(LeakageChecks.RECOMPUTE).detail()).contains("label stored 0, recomputed 1");
        assertThat(r.get(LeakageChecks.SOURCE).status()).as("its features are right").isEqualTo(Status.PASS);
    }

    @Test
    void aLabelOneWithoutAClickIsCaughtOnTheRandomSample() throws Exception {
        Path root = copy(HEALTHY);
        flipLabels(root.resolve("parquet/samples"));
        Map<String, CheckResult> r = run(root, 200);
        assertThat(r.get(LeakageChecks.PREMATURE).status()).isEqualTo(Status.FAIL);
        assertThat(r.get(LeakageChecks.PREMATURE).detail()).doesNotContain(" 0 label 1 without one")
                .doesNotContain(" 0 label 0 with a counted click");
        assertThat(r.get(LeakageChecks.RECOMPUTE).status()).isEqualTo(Status.FAIL);
    }

    @Test
    void makeDqPrintsTheThreeChecksOnADataRootWithSamples() throws Exception {
        Path root = copy(HEALTHY);
        Map<String, String> config = new java.util.HashMap<>(
                SparkJobFixtures.settings(SparkJobFixtures.properties(root)));
        config.put("DATA_DIR", root.toString());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        OneShotDq.run(new io.smallrye.config.SmallRyeConfigBuilder()
                        .withSources(new io.smallrye.config.PropertiesConfigSource(config, "test", 500)).build(),
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8), System.err);
        String table = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        System.out.println(table);
        for (String check : List.of(LeakageChecks.RECOMPUTE, LeakageChecks.SOURCE, LeakageChecks.PREMATURE)) {
            assertThat(table.lines().filter(l -> l.startsWith(check + " "))).as(table).singleElement()
                    .satisfies(l -> assertThat(l).contains("PASS"));
        }
    }

    @Test
    void notApplicableWithoutSamplesAndOnIceberg() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThat(run(empty, 200).values()).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(Status.NOT_APPLICABLE);
            assertThat(r.detail()).contains("no samples");
        });
        try (Harness h = new Harness(empty, Map.of("OUTPUT_FORMAT", "iceberg"))) {
            assertThat(h.run(h.leakage(200))).hasSize(3).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(Status.NOT_APPLICABLE);
                assertThat(r.detail()).contains("OUTPUT_FORMAT=iceberg");
            });
        }
    }

    private Path copy(Path fixture) throws IOException {
        assertThat(SparkJobFixtures.present(fixture))
                .as(SparkJobFixtures.missing(fixture, "SamplesValidatorFixtureTest")).isTrue();
        return SparkJobFixtures.copy(fixture, tmp.resolve(fixture.getFileName() + "-moved"));
    }

    private static Map<String, CheckResult> run(Path root, int rows) throws Exception {
        Map<String, String> settings = Files.exists(root.resolve("fixture.properties"))
                ? SparkJobFixtures.settings(SparkJobFixtures.properties(root)) : Map.of();
        try (Harness h = new Harness(root, settings)) {
            List<CheckResult> r = h.run(h.leakage(rows));
            assertThat(r).hasSize(3);
            return Harness.byName(r);
        }
    }

    /** Every label the other way round, each file rewritten in place (a hand edit: the derivation has no such bug). */
    private static void flipLabels(Path samples) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(samples)) {
            files = s.filter(p -> p.toString().endsWith(".parquet")).toList();
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            for (Path f : files) {
                Path flipped = f.resolveSibling("flipped.tmp");
                st.execute("COPY (SELECT * REPLACE (1 - label AS label) FROM read_parquet('" + f + "')) TO '"
                        + flipped + "' (FORMAT parquet)");
                Files.move(flipped, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
