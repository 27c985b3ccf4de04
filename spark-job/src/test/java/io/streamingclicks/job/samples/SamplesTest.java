package io.streamingclicks.job.samples;

import io.streamingclicks.job.support.SampleRoot;
import io.streamingclicks.job.support.SampleRoot.Ev;
import io.streamingclicks.job.support.TestSpark;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The samples command on hand-made data roots (SampleRoot: events committed by the job's own sink, chk/windows as
 * the windows query records it): the label rules at their edges, a late click reported and never used, an unsealed
 * range refused, a rerun replacing its hours. The features against a naive per-row count: {@link SamplesNaiveTest}.
 */
class SamplesTest {

    static final Duration WINDOW = Duration.ofMinutes(5);
    static final Duration H = Duration.ofMinutes(10);
    static final Instant FROM = Instant.parse("2026-11-30T10:00:00Z");
    static final Instant TO = Instant.parse("2026-11-30T11:00:00Z");
    static final Instant SEALED = TO.plus(Duration.ofHours(1));
    static final Instant T = FROM.plus(Duration.ofMinutes(30));

    @TempDir
    Path dir;

    static SamplesCommand.Report derive(Path root, Instant from, Instant to, Duration h) {
        Finality f = Finality.read(root.resolve("chk/windows"));
        f.require(from, to, h);
        return SamplesCommand.run(TestSpark.get(), root, new SampleOptions(from, to, h, root.toString(), "local[2]"),
                f);
    }

    /** Rows of an output, keyed by user and event time ("u@2026-...Z"). */
    static Map<String, Row> byUserAndTime(Path root, String output) {
        SparkSession spark = TestSpark.get();
        Map<String, Row> out = new HashMap<>();
        for (Row r : spark.read().parquet(root.resolve("parquet").resolve(output).toString()).collectAsList()) {
            String key = r.getAs("user_id") + "@" + r.<java.sql.Timestamp>getAs("event_time").toInstant();
            assertThat(out.put(key, r)).as("one row per sample: %s", key).isNull();
        }
        return out;
    }

    private static int label(Map<String, Row> samples, String user, Instant t) {
        Row r = samples.get(user + "@" + t);
        assertThat(r).as("a sample for %s at %s", user, t).isNotNull();
        return r.<Integer>getAs(FeatureSpec.LABEL);
    }

    @Test
    void labelsAClickInsideTheHorizonUpToTheNextViewNotAtTAndAtTPlusHIncluded() {
        SampleRoot root = new SampleRoot(TestSpark.get(), dir, WINDOW);
        Instant next = T.plus(Duration.ofMinutes(2));
        root.batch(List.of(
                Ev.view("inside", "p", T), Ev.click("inside", "p", T.plusSeconds(180)),
                Ev.view("atT", "p", T), Ev.click("atT", "p", T),
                Ev.view("atH", "p", T), Ev.click("atH", "p", T.plus(H)),
                Ev.view("pastH", "p", T), Ev.click("pastH", "p", T.plus(H).plusMillis(1)),
                Ev.view("afterNext", "p", T), Ev.view("afterNext", "p", next),
                Ev.click("afterNext", "p", next.plusSeconds(60)),
                Ev.view("atNext", "p", T), Ev.view("atNext", "p", next), Ev.click("atNext", "p", next),
                Ev.view("otherPage", "p", T), Ev.click("otherPage", "q", T.plusSeconds(60)),
                // the last sample of the range: its horizon reaches past TO, which the seal covers
                Ev.view("lastOfRange", "p", TO.minusSeconds(1)), Ev.click("lastOfRange", "p", TO.plusSeconds(540))),
                SEALED);

        SamplesCommand.Report report = derive(dir, FROM, TO, H);
        Map<String, Row> s = byUserAndTime(dir, FeatureSpec.SAMPLES_DIR);

        assertThat(label(s, "inside", T)).isEqualTo(1);
        assertThat(label(s, "atT", T)).as("a click at exactly t is not after the view").isZero();
        assertThat(label(s, "atH", T)).as("the interval is closed at t + H").isEqualTo(1);
        assertThat(label(s, "pastH", T)).isZero();
        assertThat(label(s, "afterNext", T)).as("a click after the next view belongs to the next view").isZero();
        assertThat(label(s, "afterNext", next)).isEqualTo(1);
        assertThat(label(s, "atNext", T)).as("the interval is closed at the next view").isEqualTo(1);
        assertThat(label(s, "atNext", next)).isZero();
        assertThat(label(s, "otherPage", T)).isZero();
        assertThat(label(s, "lastOfRange", TO.minusSeconds(1))).isEqualTo(1);
        assertThat(s).hasSize(10);
        assertThat(report.samples()).isEqualTo(10);
        assertThat(report.positives()).isEqualTo(5);
        assertThat(report.lateClicks()).isZero();
        Row key = s.get("inside@" + T);
        assertThat(key.<Integer>getAs("kafka_partition")).isZero();
        assertThat(key.<Long>getAs("kafka_offset")).isZero();
        assertThat(key.<String>getAs("event_id")).isEqualTo("e0");
    }

    @Test
    void aLateClickIsReportedAndNeverLabelsNorCounts() {
        SampleRoot root = new SampleRoot(TestSpark.get(), dir, WINDOW);
        root.batch(List.of(Ev.view("u", "p", T), Ev.view("u", "p2", T.plusSeconds(300)),
                Ev.view("v", "p", T), Ev.click("v", "p", T.plusSeconds(60))), SEALED);
        // Written after the batch whose watermark sealed its window: link 3 names it late.
        root.batch(List.of(Ev.click("u", "p", T.plusSeconds(60))), SEALED);

        SamplesCommand.Report report = derive(dir, FROM, TO, H);
        Map<String, Row> s = byUserAndTime(dir, FeatureSpec.SAMPLES_DIR);
        Map<String, Row> user = byUserAndTime(dir, FeatureSpec.USER_DIR);

        assertThat(label(s, "u", T)).isZero();
        assertThat(s.get("u@" + T).<Boolean>getAs(Labels.LATE_CLICK)).isTrue();
        assertThat(label(s, "v", T)).isEqualTo(1);
        assertThat(s.get("v@" + T).<Boolean>getAs(Labels.LATE_CLICK)).isFalse();
        assertThat(report.lateClicks()).isEqualTo(1);
        assertThat(report.samplesWithLateClick()).isEqualTo(1);
        assertThat(report.negativesWithLateClick()).isEqualTo(1);
        Row later = user.get("u@" + T.plusSeconds(300));
        assertThat(later.<Long>getAs(FeatureSpec.USER_CLICKS_1H)).as("the late click is no feature").isZero();
        assertThat(later.<Long>getAs(FeatureSpec.USER_VIEWS_1H)).isEqualTo(1);
    }

    @Test
    void anUnsealedRangeIsRefusedNamingTheSealedTimeAndWhatIsNeeded() {
        SampleRoot root = new SampleRoot(TestSpark.get(), dir, WINDOW);
        Instant sealed = TO.plus(Duration.ofMinutes(5));
        root.batch(List.of(Ev.view("u", "p", T)), sealed);

        Finality f = Finality.read(dir.resolve("chk/windows"));
        assertThat(f.sealed()).isEqualTo(sealed);
        assertThatThrownBy(() -> f.require(FROM, TO, H)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sealed up to " + sealed)
                .hasMessageContaining("up to " + TO.plus(H))
                .hasMessageContaining("--to " + FROM);
        f.require(FROM.minus(Duration.ofHours(1)), FROM, H);
        assertThat(SamplesCommand.main(new String[]{"--from", FROM.toString(), "--to", TO.toString(),
                "--data-dir", dir.toString()})).isEqualTo(1);
        assertThat(dir.resolve("parquet/samples")).doesNotExist();
    }

    @Test
    void aRerunReplacesEachHourAndNeverAppends() throws IOException {
        SampleRoot root = new SampleRoot(TestSpark.get(), dir, WINDOW);
        root.batch(List.of(Ev.view("u", "p", T), Ev.click("u", "p", T.plusSeconds(5)), Ev.view("w", "p", T),
                Ev.view("u", "p", FROM.minusSeconds(10))), SEALED);

        derive(dir, FROM, TO, H);
        List<String> first = files(dir.resolve("parquet"));
        derive(dir, FROM, TO, H);
        List<String> second = files(dir.resolve("parquet"));

        for (String out : List.of(FeatureSpec.SAMPLES_DIR, FeatureSpec.USER_DIR, FeatureSpec.PAGE_DIR,
                FeatureSpec.USER_PAGE_DIR)) {
            assertThat(TestSpark.get().read().parquet(dir.resolve("parquet").resolve(out).toString()).count())
                    .as(out).isEqualTo(2);
        }
        assertThat(second).as("the hour's files were replaced, not added to").hasSameSizeAs(first)
                .doesNotContainAnyElementsOf(first);
        assertThat(second).allMatch(f -> f.contains("date=2026-11-30/hour=10/"));
        try (Stream<Path> s = Files.list(dir.resolve("parquet"))) {
            assertThat(s.map(p -> p.getFileName().toString())).as("no staging left")
                    .containsExactlyInAnyOrder("events", "samples", "features");
        }
    }

    private static List<String> files(Path parquet) throws IOException {
        List<String> out = new ArrayList<>();
        for (String o : List.of("samples", "features")) {
            try (Stream<Path> s = Files.walk(parquet.resolve(o))) {
                s.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                        .forEach(p -> out.add(parquet.relativize(p).toString()));
            }
        }
        return out;
    }
}
