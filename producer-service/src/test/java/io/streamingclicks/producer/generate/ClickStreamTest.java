package io.streamingclicks.producer.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamingclicks.contract.ClickEvent;
import io.streamingclicks.contract.ClickTruth;
import io.streamingclicks.contract.Setting;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The two click models on a simulated event clock (20 events/s of event time, no broker): today's draws kept by
 * {@code independent}; under {@code propensity}, the action mix kept, and the clicks after views as frequent as
 * {@link ClickTruth} says, recomputed from the events alone the way an oracle downstream would.
 */
class ClickStreamTest {

    static final GeneratorSettings DEFAULTS = new GeneratorSettings(20, 1000, 50, 1.1, 0, Duration.ofMinutes(-8),
            GeneratorSettings.DEFAULT_ACTIONS, GeneratorSettings.DEFAULT_MEAN_VIEW_MS);
    static final long STEP_MS = 50;
    static final long START_MS = Instant.parse("2026-11-21T00:00:00Z").toEpochMilli();

    record Sent(ClickEvent event, boolean late, long clockMs) {
    }

    static ClickTruth truth(Map<String, String> env, GeneratorSettings s) {
        ClickTruth t = ClickTruth.fromSettings(x -> x.from(env), 0);
        return t.withBase(ClickCalibration.base(t, catalogue(s), s.rate()));
    }

    static Catalogue catalogue(GeneratorSettings s) {
        return new Catalogue(s.users(), s.pages(), s.skew(), s.actions());
    }

    static List<Sent> run(ClickStream stream, GeneratorSettings s, long seed, int events) {
        return run(stream, s, seed, events, STEP_MS);
    }

    /** {@code events} sent {@code stepMs} of event time apart (50: 20/s at wall speed; 1500: a 30x backfill). */
    static List<Sent> run(ClickStream stream, GeneratorSettings s, long seed, int events, long stepMs) {
        stream.apply(s, new EventFactory(catalogue(s), s.meanViewMs()));
        SplittableRandom r = new SplittableRandom(seed);
        List<Sent> out = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            long clock = START_MS + i * stepMs;
            ClickStream.Next n = stream.next(r, clock);
            out.add(new Sent(n.event(), n.late(), clock));
        }
        return out;
    }

    static Map<String, Double> mix(List<Sent> events) {
        Map<String, Long> n = new TreeMap<>();
        events.forEach(e -> n.merge(e.event().action(), 1L, Long::sum));
        Map<String, Double> m = new TreeMap<>();
        n.forEach((a, c) -> m.put(a, c / (double) events.size()));
        return m;
    }

    static String text(Map<String, Double> mix) {
        StringBuilder b = new StringBuilder();
        mix.forEach((a, share) -> b.append(b.isEmpty() ? "" : " ").append(a).append(String.format(" %.4f", share)));
        return b.toString();
    }

    @Test
    void independentDrawsExactlyWhatTheGeneratorDrewBefore() {
        GeneratorSettings s = new GeneratorSettings(20, 1000, 50, 1.1, 0.3, Duration.ofMinutes(-8),
                GeneratorSettings.DEFAULT_ACTIONS, 4000);
        List<Sent> now = run(new IndependentStream(), s, 7, 5000);
        // The generator's loop before click models, verbatim: lateness, then the factory's event.
        EventFactory f = new EventFactory(catalogue(s), s.meanViewMs());
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 5000; i++) {
            boolean late = s.lateFraction() > 0 && r.nextDouble() < s.lateFraction();
            Instant t = Instant.ofEpochMilli(START_MS + i * STEP_MS);
            if (late) {
                t = t.plus(s.lateOffset());
            }
            ClickEvent e = f.event(r, t);
            assertThat(now.get(i).event()).isEqualTo(e);
            assertThat(now.get(i).late()).isEqualTo(late);
        }
    }

    @Test
    void bothModelsKeepTheActionMixOver100kEvents() {
        ClickTruth truth = truth(Map.of(), DEFAULTS);
        int warmUp = (int) (truth.revisitWindow().toMillis() / STEP_MS);
        List<Sent> independent = run(new IndependentStream(), DEFAULTS, 11, 100_000);
        List<Sent> propensity = run(new PropensityStream(truth, ViewHistory.CAPACITY), DEFAULTS, 11,
                warmUp + 100_000);
        Map<String, Double> cold = mix(propensity.subList(0, 100_000));
        Map<String, Double> warm = mix(propensity.subList(warmUp, propensity.size()));
        System.out.printf("action mix of 100,000 events at 20/s, defaults (base %.4f):%n  independent           %s%n"
                + "  propensity, first     %s%n  propensity, after %d  %s%n", truth.base(), text(mix(independent)),
                text(cold), warmUp, text(warm));
        List<Sent> backfill = run(new PropensityStream(truth, ViewHistory.CAPACITY), DEFAULTS, 11, 100_000, 1500);
        System.out.printf("  propensity, 30x backfill %s%n", text(mix(backfill)));
        for (Map.Entry<String, Double> a : GeneratorSettings.DEFAULT_ACTIONS.entrySet()) {
            assertThat(mix(independent).get(a.getKey())).as("independent " + a.getKey())
                    .isCloseTo(a.getValue(), within(0.005));
            assertThat(warm.get(a.getKey())).as("propensity " + a.getKey()).isCloseTo(a.getValue(), within(0.01));
        }
    }

    @Test
    void clicksFollowTheirViewAFewSecondsLaterAndNeverAheadOfTheClock() {
        GeneratorSettings s = new GeneratorSettings(20, 50, 10, 1.1, 0.2, Duration.ofMinutes(-8),
                GeneratorSettings.DEFAULT_ACTIONS, 4000);
        ClickTruth truth = truth(Map.of(), s);
        List<Sent> sent = run(new PropensityStream(truth, ViewHistory.CAPACITY), s, 3, 20_000);
        Map<String, List<Sent>> viewsByPair = new HashMap<>();
        int clicks = 0;
        int lateClicks = 0;
        for (Sent e : sent) {
            String pair = e.event().userId() + " " + e.event().pageId();
            long t = e.event().eventTime().toEpochMilli();
            assertThat(t).as("never ahead of the event clock").isLessThanOrEqualTo(e.clockMs());
            if (e.event().action().equals("view")) {
                viewsByPair.computeIfAbsent(pair, k -> new ArrayList<>()).add(e);
            } else if (e.event().action().equals("click")) {
                clicks++;
                lateClicks += e.late() ? 1 : 0;
                assertThat(e.event().durationMs()).isZero();
                // Its view: same pair, same lateness, 1..10 s of event time before, sent before it.
                assertThat(viewsByPair.getOrDefault(pair, List.of())).as("the view before " + e)
                        .anySatisfy(v -> {
                            long d = t - v.event().eventTime().toEpochMilli();
                            assertThat(d).isBetween(1000L, 10_000L);
                            assertThat(v.late()).isEqualTo(e.late());
                        });
                if (e.late()) {
                    assertThat(e.clockMs() - t).as("as late as any late event")
                            .isBetween(Duration.ofMinutes(8).toMillis(), Duration.ofMinutes(8).toMillis() + 1000);
                }
            }
        }
        assertThat(clicks).isGreaterThan(3000);
        assertThat(lateClicks / (double) clicks).isCloseTo(0.2, within(0.03));
    }

    @Test
    void theClickRateAfterViewsIsTheMeanOfTheTrueProbability() {
        ClickTruth truth = truth(Map.of(), DEFAULTS);
        Oracle o = Oracle.of(truth, run(new PropensityStream(truth, ViewHistory.CAPACITY), DEFAULTS, 5, 145_000));
        System.out.printf("%d views (%d isolated), %.1f %% revisits: %d clicks after them, sum of p %.1f,"
                        + " sigma %.1f%n", o.views, o.isolated, 100.0 * o.revisits.n / o.isolated, o.all.clicks,
                o.all.expected, o.all.sigma());
        assertThat(o.views).isGreaterThan(100_000);
        assertThat(o.all.z()).as("(clicks - sum p) / sigma").isBetween(-4.0, 4.0);
    }

    @Test
    void aRevisitRaisesTheClickRateByTheGammaEffect() {
        GeneratorSettings s = DEFAULTS;
        ClickTruth truth = truth(Map.of(Setting.PRODUCER_CLICK_GAMMA.name(), "1.5"), s);
        Oracle o = Oracle.of(truth, run(new PropensityStream(truth, ViewHistory.CAPACITY), s, 9, 145_000));
        System.out.printf("revisits: %d clicks / %d views, sum of p %.1f (without gamma %.1f); first views: %d / %d,"
                        + " sum of p %.1f%n", o.revisits.clicks, o.revisits.n, o.revisits.expected,
                o.revisits.expectedWithoutGamma, o.first.clicks, o.first.n, o.first.expected);
        assertThat(o.revisits.n).isGreaterThan(20_000);
        assertThat(o.first.n).isGreaterThan(20_000);
        assertThat(o.revisits.z()).as("revisits: (clicks - sum p) / sigma").isBetween(-4.0, 4.0);
        assertThat(o.first.z()).as("first views: (clicks - sum p) / sigma").isBetween(-4.0, 4.0);
        // Without gamma the revisits would have clicked far less: the effect is there, and it is gamma's size.
        assertThat((o.revisits.clicks - o.revisits.expectedWithoutGamma) / o.revisits.sigma()).isGreaterThan(10);
    }

    @Test
    void aStopForgetsClicksNotYetDue() {
        ClickTruth truth = truth(Map.of(), DEFAULTS);
        PropensityStream p = new PropensityStream(truth, ViewHistory.CAPACITY);
        run(p, DEFAULTS, 1, 2000);
        assertThat(p.stopped()).isPositive();
        assertThat(p.stopped()).isZero();
    }

    /**
     * Recomputes from the sent events what a downstream oracle would: r of each view from the views before it
     * (event time in [t - window, t)), p from the truth; clicks counted after views no other view of the pair
     * comes within the largest delay of (so each click is its own view's).
     */
    static final class Oracle {
        final Tally all = new Tally();
        final Tally revisits = new Tally();
        final Tally first = new Tally();
        int views;
        int isolated;

        static final class Tally {
            int n;
            int clicks;
            double expected;
            double variance;
            double expectedWithoutGamma;

            void add(double p, double pWithoutGamma, boolean clicked) {
                n++;
                clicks += clicked ? 1 : 0;
                expected += p;
                variance += p * (1 - p);
                expectedWithoutGamma += pWithoutGamma;
            }

            double sigma() {
                return Math.sqrt(variance);
            }

            double z() {
                return (clicks - expected) / sigma();
            }
        }

        static Oracle of(ClickTruth truth, List<Sent> sent) {
            Oracle o = new Oracle();
            long max = truth.clickDelayMax().toMillis();
            long min = truth.clickDelayMin().toMillis();
            Map<String, List<Long>> views = new HashMap<>();
            Map<String, List<Long>> clicks = new HashMap<>();
            for (Sent s : sent) {
                String pair = s.event().userId() + " " + s.event().pageId();
                long t = s.event().eventTime().toEpochMilli();
                Map<String, List<Long>> into = switch (s.event().action()) {
                    case "view" -> views;
                    case "click" -> clicks;
                    default -> null;
                };
                if (into != null) {
                    into.computeIfAbsent(pair, k -> new ArrayList<>()).add(t);
                }
            }
            long end = sent.get(sent.size() - 1).clockMs();
            views.forEach((pair, ts) -> {
                String[] up = pair.split(" ");
                List<Long> cs = clicks.getOrDefault(pair, List.of());
                for (int i = 0; i < ts.size(); i++) {
                    long t = ts.get(i);
                    if (t + max > end) {
                        continue;
                    }
                    o.views++;
                    boolean revisit = i > 0 && truth.isRevisit(ts.get(i - 1), t);
                    boolean alone = (i == 0 || t - ts.get(i - 1) > max)
                            && (i == ts.size() - 1 || ts.get(i + 1) - t > max);
                    if (!alone) {
                        continue;
                    }
                    o.isolated++;
                    boolean clicked = cs.stream().anyMatch(c -> c >= t + min && c <= t + max);
                    double p = truth.clickProbability(up[0], up[1], revisit);
                    double p0 = truth.clickProbability(up[0], up[1], false);
                    o.all.add(p, p0, clicked);
                    (revisit ? o.revisits : o.first).add(p, p0, clicked);
                }
            });
            return o;
        }
    }
}
