package io.streamingclicks.job.samples;

import io.streamingclicks.job.support.SampleRoot;
import io.streamingclicks.job.support.SampleRoot.Ev;
import io.streamingclicks.job.support.TestSpark;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

import static io.streamingclicks.job.samples.SamplesTest.FROM;
import static io.streamingclicks.job.samples.SamplesTest.H;
import static io.streamingclicks.job.samples.SamplesTest.SEALED;
import static io.streamingclicks.job.samples.SamplesTest.TO;
import static io.streamingclicks.job.samples.SamplesTest.WINDOW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every feature and label of every sample of a random data root against a naive per-row computation straight from
 * the definition (docs/features.md): for each sample, a scan of all counted events with event time in [t - w, t).
 * Times fall on whole minutes, so many events share a time with a sample and with a window's lower bound t - w; the
 * same naive computation with either bound moved by one event (t included, t - w excluded) must disagree with the
 * output, which shows the comparison able to fail where it matters.
 */
class SamplesNaiveTest {

    private static final String[] USERS = {"u0", "u1", "u2", "u3", "u4", "u5"};
    private static final String[] PAGES = {"p0", "p1", "p2", "p3", "p4"};

    @TempDir
    Path dir;

    /** An event as the test knows it: its id (the offset SampleRoot gives it) and whether link 3 counts it. */
    private record Known(String id, Ev ev, boolean counted) {
    }

    @Test
    void everyFeatureAndLabelEqualsANaivePerRowCountAndMovingABoundByOneEventIsCaught() {
        Random rnd = new Random(15);
        List<Known> all = new ArrayList<>();
        SampleRoot root = new SampleRoot(TestSpark.get(), dir, WINDOW);
        root.batch(batch(all, rnd, 500, FROM.minus(Duration.ofHours(25)), FROM.minus(Duration.ofHours(2)), true),
                Instant.EPOCH);
        root.batch(batch(all, rnd, 900, FROM.minus(Duration.ofHours(2)), TO.plus(Duration.ofMinutes(15)), true),
                SEALED);
        root.batch(batch(all, rnd, 120, FROM.minus(Duration.ofHours(2)), TO.plus(Duration.ofMinutes(15)), false),
                SEALED);

        SamplesCommand.Report report = SamplesTest.derive(dir, FROM, TO, H);

        List<Known> counted = all.stream().filter(Known::counted).toList();
        List<Known> samples = counted.stream().filter(k -> k.ev().action().equals("view")
                && !k.ev().time().isBefore(FROM) && k.ev().time().isBefore(TO)).toList();
        assertThat(samples).hasSizeGreaterThan(150);
        assertThat(report.samples()).isEqualTo(samples.size());
        Map<String, Row> label = byId("samples");
        Map<String, Row> user = byId("features/user");
        Map<String, Row> page = byId("features/page");
        Map<String, Row> up = byId("features/user_page");
        assertThat(label).hasSize(samples.size());
        assertThat(user).hasSize(samples.size());
        assertThat(page).hasSize(samples.size());
        assertThat(up).hasSize(samples.size());

        int shiftedAtT = 0;
        int shiftedAtLower = 0;
        for (Known s : samples) {
            Map<String, Object> expected = naive(s.ev(), counted, false, true);
            expected.put(FeatureSpec.LABEL, naiveLabel(s.ev(), counted));
            Map<String, Object> actual = actual(s.id(), label, user, page, up);
            assertThat(actual).as("sample %s %s", s.id(), s.ev()).isEqualTo(expected);
            Ev v = s.ev();
            assertThat(sourceMax(user.get(s.id()))).as("user source_max_event_time of %s", s.id())
                    .isEqualTo(naiveSourceMax(v, counted, e -> e.user().equals(v.user())));
            assertThat(sourceMax(page.get(s.id()))).as("page source_max_event_time of %s", s.id())
                    .isEqualTo(naiveSourceMax(v, counted, e -> e.page().equals(v.page())));
            assertThat(sourceMax(up.get(s.id()))).as("user_page source_max_event_time of %s", s.id())
                    .isEqualTo(naiveSourceMax(v, counted, e -> e.user().equals(v.user()) && e.page().equals(v.page())));
            assertThat(label.get(s.id()).<java.sql.Timestamp>getAs(FeatureSpec.LABEL_UNTIL).toInstant())
                    .isEqualTo(v.time().plus(H));
            assertThat(label.get(s.id()).<java.sql.Timestamp>getAs(FeatureSpec.SEALED_AT).toInstant())
                    .isEqualTo(SEALED);
            if (!actual.equals(withLabel(naive(s.ev(), counted, true, true), expected))) {
                shiftedAtT++;
            }
            if (!actual.equals(withLabel(naive(s.ev(), counted, false, false), expected))) {
                shiftedAtLower++;
            }
        }
        assertThat(shiftedAtT).as("samples whose features change if an event at exactly t counted").isPositive();
        assertThat(shiftedAtLower).as("samples whose features change if an event at exactly t - w did not count")
                .isPositive();
        assertThat(report.lateClicks()).isPositive();
    }

    private static Instant sourceMax(Row r) {
        java.sql.Timestamp t = r.getAs(FeatureSpec.SOURCE_MAX_EVENT_TIME);
        return t == null ? null : t.toInstant();
    }

    /** The latest counted view or click of the row's key in [t - 24 h, t): the newest event its features read. */
    private static Instant naiveSourceMax(Ev s, List<Known> counted, java.util.function.Predicate<Ev> key) {
        return counted.stream().map(Known::ev)
                .filter(e -> key.test(e) && (e.action().equals("view") || e.action().equals("click"))
                        && inWindow(e.time(), s.time(), FeatureSpec.LONG, false, true))
                .map(Ev::time).max(Instant::compareTo).orElse(null);
    }

    private static Map<String, Object> withLabel(Map<String, Object> m, Map<String, Object> from) {
        m.put(FeatureSpec.LABEL, from.get(FeatureSpec.LABEL));
        return m;
    }

    private static List<Ev> batch(List<Known> all, Random rnd, int n, Instant lo, Instant hi, boolean counted) {
        List<Ev> out = new ArrayList<>();
        long minutes = Duration.between(lo, hi).toMinutes();
        for (int i = 0; i < n; i++) {
            Instant t = lo.plus(Duration.ofMinutes(rnd.nextInt((int) minutes)));
            double a = rnd.nextDouble();
            String action = a < 0.6 ? "view" : a < 0.9 ? "click" : "add_to_cart";
            Long duration = action.equals("view") && rnd.nextBoolean() ? (long) rnd.nextInt(5000) : null;
            Ev e = new Ev(USERS[rnd.nextInt(USERS.length)], PAGES[rnd.nextInt(PAGES.length)], t, action, duration);
            out.add(e);
            all.add(new Known("e" + all.size(), e, counted));
        }
        return out;
    }

    /** The definition, row by row: events with time in [t - w, t) (or the bounds moved by one event). */
    private static Map<String, Object> naive(Ev s, List<Known> counted, boolean includeT, boolean includeLower) {
        Map<String, Object> m = new HashMap<>();
        for (Duration w : List.of(FeatureSpec.SHORT, FeatureSpec.LONG)) {
            String sfx = w.equals(FeatureSpec.SHORT) ? "_1h" : "_24h";
            long uv = 0, uc = 0, pv = 0, pc = 0, dwellN = 0, dwellSum = 0;
            Set<String> pages = new HashSet<>();
            Set<String> users = new HashSet<>();
            for (Known k : counted) {
                Ev e = k.ev();
                if (!inWindow(e.time(), s.time(), w, includeT, includeLower)) {
                    continue;
                }
                boolean view = e.action().equals("view");
                boolean click = e.action().equals("click");
                if (e.user().equals(s.user())) {
                    uv += view ? 1 : 0;
                    uc += click ? 1 : 0;
                    if (view && e.durationMs() != null) {
                        dwellN++;
                        dwellSum += e.durationMs();
                    }
                    if (view) {
                        pages.add(e.page());
                    }
                }
                if (e.page().equals(s.page())) {
                    pv += view ? 1 : 0;
                    pc += click ? 1 : 0;
                    if (view) {
                        users.add(e.user());
                    }
                }
            }
            m.put("user_views" + sfx, uv);
            m.put("user_clicks" + sfx, uc);
            m.put("user_ctr" + sfx, round((uc + FeatureSpec.PRIOR_CLICKS) / (uv + FeatureSpec.PRIOR_VIEWS)));
            m.put("user_mean_dwell_ms" + sfx, dwellN == 0 ? null : round((double) dwellSum / dwellN));
            m.put("user_distinct_pages" + sfx, (long) pages.size());
            m.put("page_views" + sfx, pv);
            m.put("page_clicks" + sfx, pc);
            m.put("page_ctr" + sfx, round((pc + FeatureSpec.PRIOR_CLICKS) / (pv + FeatureSpec.PRIOR_VIEWS)));
            m.put("page_distinct_users" + sfx, (long) users.size());
        }
        long upv = 0, upc = 0;
        Instant last = null;
        for (Known k : counted) {
            Ev e = k.ev();
            if (!e.user().equals(s.user()) || !e.page().equals(s.page())
                    || !inWindow(e.time(), s.time(), FeatureSpec.LONG, includeT, includeLower)) {
                continue;
            }
            if (e.action().equals("view")) {
                upv++;
                last = last == null || e.time().isAfter(last) ? e.time() : last;
            }
            upc += e.action().equals("click") ? 1 : 0;
        }
        m.put(FeatureSpec.UP_VIEWS_24H, upv);
        m.put(FeatureSpec.UP_CLICKS_24H, upc);
        m.put(FeatureSpec.UP_SECONDS_SINCE_VIEW, last == null ? null
                : round(Duration.between(last, s.time()).toMillis() / 1000.0));
        return m;
    }

    private static boolean inWindow(Instant e, Instant t, Duration w, boolean includeT, boolean includeLower) {
        Instant lower = t.minus(w);
        boolean aboveLower = includeLower ? !e.isBefore(lower) : e.isAfter(lower);
        boolean belowT = includeT ? !e.isAfter(t) : e.isBefore(t);
        return aboveLower && belowT;
    }

    /** 1 iff a counted click by u on p in (t, min(t + H, u's next counted view of p after t)]. */
    private static int naiveLabel(Ev s, List<Known> counted) {
        Instant end = s.time().plus(H);
        for (Known k : counted) {
            Ev e = k.ev();
            if (e.user().equals(s.user()) && e.page().equals(s.page()) && e.action().equals("view")
                    && e.time().isAfter(s.time()) && e.time().isBefore(end)) {
                end = e.time();
            }
        }
        for (Known k : counted) {
            Ev e = k.ev();
            if (e.user().equals(s.user()) && e.page().equals(s.page()) && e.action().equals("click")
                    && e.time().isAfter(s.time()) && !e.time().isAfter(end)) {
                return 1;
            }
        }
        return 0;
    }

    private Map<String, Row> byId(String output) {
        Map<String, Row> out = new HashMap<>();
        for (Row r : TestSpark.get().read().parquet(dir.resolve("parquet").resolve(output).toString())
                .collectAsList()) {
            assertThat(out.put(r.getAs("event_id"), r)).isNull();
        }
        return out;
    }

    private static Map<String, Object> actual(String id, Map<String, Row> label, Map<String, Row> user,
                                              Map<String, Row> page, Map<String, Row> up) {
        Map<String, Object> m = new HashMap<>();
        m.put(FeatureSpec.LABEL, label.get(id).<Integer>getAs(FeatureSpec.LABEL));
        put(m, user.get(id), FeatureSpec.USER_FEATURES);
        put(m, page.get(id), FeatureSpec.PAGE_FEATURES);
        put(m, up.get(id), FeatureSpec.USER_PAGE_FEATURES);
        return m;
    }

    private static void put(Map<String, Object> m, Row r, List<String> names) {
        Objects.requireNonNull(r);
        for (String n : names) {
            Object v = r.getAs(n);
            m.put(n, v instanceof Double d ? round(d) : v);
        }
    }

    /** Doubles compared to 9 decimals: the job divides in Spark, the test in Java. */
    private static Double round(double d) {
        return Math.round(d * 1e9) / 1e9;
    }
}
