package io.streamingclicks.job.samples;

import io.streamingclicks.job.support.SampleRoot;
import io.streamingclicks.job.support.SampleRoot.Ev;
import io.streamingclicks.job.support.TestSpark;
import io.streamingclicks.job.support.ValidatorFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import static io.streamingclicks.job.samples.SamplesTest.FROM;
import static io.streamingclicks.job.samples.SamplesTest.H;
import static io.streamingclicks.job.samples.SamplesTest.SEALED;
import static io.streamingclicks.job.samples.SamplesTest.TO;
import static io.streamingclicks.job.samples.SamplesTest.WINDOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Writes the validator's samples fixtures: real derivations of this package over data roots made with
 * {@link SampleRoot}, one healthy and two deliberately broken, for validator-service's {@code LeakageChecksTest}
 * (each of its leakage checks must pass on the first and fail on a broken one):
 * <ul>
 * <li>{@code samples}: derived as {@code make samples} does.</li>
 * <li>{@code samples-sample-last}: the same events, the features derived with a sample sorting after the events of
 * its own time: every feature computed over (t - w, t] instead of [t - w, t), its own view included.</li>
 * <li>{@code samples-unsealed}: derived while the windows query had sealed only up to TO (Finality.require
 * bypassed), then a click inside the last samples' label interval arrives on time and is counted: their label 0
 * was premature.</li>
 * </ul>
 * Times fall on whole minutes, so samples share their time with events and with window bounds.
 */
class SamplesValidatorFixtureTest {

    private static final String[] USERS = {"u0", "u1", "u2", "u3", "u4"};
    private static final String[] PAGES = {"p0", "p1", "p2", "p3"};

    @TempDir
    Path dir;

    @Test
    void writesAHealthyAndTwoLeakingDerivations() throws Exception {
        Random rnd = new Random(15);
        SampleRoot root = new SampleRoot(TestSpark.get(), dir.resolve("healthy"), WINDOW);
        root.batch(events(rnd, 300, FROM.minus(Duration.ofHours(25)), FROM), Instant.EPOCH);
        root.batch(events(rnd, 500, FROM.minus(Duration.ofMinutes(30)), TO.plus(Duration.ofMinutes(15))), SEALED);
        // Committed after the batch that sealed their windows: late, counted by nothing.
        root.batch(events(rnd, 60, FROM, TO.plus(Duration.ofMinutes(15))), SEALED);

        SamplesCommand.Report healthy = SamplesTest.derive(root.root(), FROM, TO, H);
        assertThat(healthy.samples()).isGreaterThan(100);
        assertThat(healthy.positives()).isPositive();
        write(root.root(), "samples", healthy.samples());

        Finality sealed = Finality.read(root.root().resolve("chk/windows"));
        SamplesCommand.run(TestSpark.get(), root.root(), options(root.root()), sealed, 2);
        write(root.root(), "samples-sample-last", healthy.samples());

        SampleRoot early = new SampleRoot(TestSpark.get(), dir.resolve("unsealed"), WINDOW);
        Instant t = TO.minus(Duration.ofMinutes(3));
        early.batch(List.of(Ev.view("u0", "p0", FROM.plus(Duration.ofMinutes(10))), Ev.view("u0", "p0", t),
                Ev.view("u1", "p0", t.minusSeconds(60)), Ev.click("u1", "p0", t)), TO);
        Finality notYet = Finality.read(early.root().resolve("chk/windows"));
        assertThatThrownBy(() -> notYet.require(FROM, TO, H)).isInstanceOf(IllegalStateException.class);
        SamplesCommand.Report premature = SamplesCommand.run(TestSpark.get(), early.root(), options(early.root()),
                notYet);
        assertThat(premature.positives()).isEqualTo(1);
        // On time: its window [TO, TO + 5 min) was open until this batch sealed it.
        early.batch(List.of(Ev.click("u0", "p0", TO.plusSeconds(60))), SEALED);
        write(early.root(), "samples-unsealed", premature.samples());
    }

    private static SampleOptions options(Path root) {
        return new SampleOptions(FROM, TO, H, root.toString(), "local[2]");
    }

    private static void write(Path root, String name, long samples) throws Exception {
        Path fixture = ValidatorFixtures.copy(root, name, List.of("chk", "parquet"));
        Properties p = ValidatorFixtures.settings(WINDOW, Duration.ZERO, "0.01");
        p.setProperty("samples", Long.toString(samples));
        p.setProperty("from", FROM.toString());
        p.setProperty("to", TO.toString());
        p.setProperty("horizon", H.toString());
        ValidatorFixtures.store(fixture, p, "SamplesValidatorFixtureTest");
    }

    private static List<Ev> events(Random rnd, int n, Instant lo, Instant hi) {
        List<Ev> out = new ArrayList<>();
        long minutes = Duration.between(lo, hi).toMinutes();
        for (int i = 0; i < n; i++) {
            Instant t = lo.plus(Duration.ofMinutes(rnd.nextInt((int) minutes)));
            double a = rnd.nextDouble();
            String action = a < 0.6 ? "view" : a < 0.9 ? "click" : "add_to_cart";
            Long duration = action.equals("view") && rnd.nextBoolean() ? (long) rnd.nextInt(5000) : null;
            out.add(new Ev(USERS[rnd.nextInt(USERS.length)], PAGES[rnd.nextInt(PAGES.length)], t, action, duration));
        }
        return out;
    }
}
