package io.streamingclicks.job.support;

import io.streamingclicks.contract.ClickTruth;
import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.job.support.SampleRoot.Ev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Traffic drawn from the generator's click model ({@link ClickTruth}), committed straight into a {@link SampleRoot}:
 * hours of event time in seconds, for the samples benchmark and the training tests, without brokers or a producer.
 * The draws follow the producer's propensity stream: users uniform over {@code 1001..1000+users}, pages Zipf-like
 * ({@code /home}, {@code /search}, {@code /product/p-0001}, ...), a view (or, 1 in 15, an add-to-cart) every
 * {@code 1/rate} s of event time; a view is followed by a click with {@link ClickTruth#clickProbability}, r from this
 * traffic's own earlier views, the click {@code clickDelayMin..clickDelayMax} later. The watermark of each committed
 * batch is its end, so nearly everything is counted: a click due after the batch's last draw but before its end comes
 * with the next batch, after its window was sealed, and link 3 names it late (18 in a day at 200/s), as it would a
 * real late click. {@code ledger/truth.json} is written, as
 * the producer does, so an oracle can recompute each view's probability.
 *
 * @param truth  the model (its base sets the clicks per view)
 * @param users  user population
 * @param pages  page catalogue size
 * @param skew   Zipf exponent of page popularity
 * @param rate   views and add-to-carts per second of event time (clicks come on top)
 * @param random seed of the draws (the model's own seed fixes a_u and b_p)
 */
public record TruthTraffic(ClickTruth truth, int users, int pages, double skew, double rate, long random) {

    /** The producer's defaults: 1000 users, 50 pages, skew 1.1, unit spreads and gamma, its calibrated base. */
    public static TruthTraffic defaults(double rate) {
        return new TruthTraffic(new ClickTruth(ClickTruth.Model.PROPENSITY, 1, 1.0, 1.0, 1.0, -0.9,
                Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(30)), 1000, 50, 1.1, rate, 7);
    }

    /** What was written. */
    public record Summary(long views, long clicks, long others, int batches) {
        public long events() {
            return views + clicks + others;
        }
    }

    /**
     * Draws {@code [from, to)} and commits it in batches of {@code batch} event time, then one empty batch whose
     * watermark is {@code sealTo}, which seals every window before it.
     */
    public Summary write(SampleRoot root, Instant from, Instant to, Duration batch, Instant sealTo) {
        writeTruth(root.root());
        SplittableRandom r = new SplittableRandom(random);
        double[] pageCdf = pageCdf();
        Map<String, Long> lastView = new HashMap<>();
        PriorityQueue<Ev> clicks = new PriorityQueue<>(Comparator.comparing(Ev::time));
        long views = 0;
        long clickCount = 0;
        long others = 0;
        int batches = 0;
        long stepNanos = (long) (1e9 / rate);
        Instant t = from;
        for (Instant start = from; start.isBefore(to); start = start.plus(batch)) {
            Instant end = start.plus(batch).isAfter(to) ? to : start.plus(batch);
            List<Ev> evs = new ArrayList<>();
            for (; t.isBefore(end); t = t.plusNanos(stepNanos)) {
                while (!clicks.isEmpty() && clicks.peek().time().isBefore(t)) {
                    evs.add(clicks.poll());
                }
                String user = Long.toString(1001 + r.nextInt(users));
                String page = pageName(pick(pageCdf, r.nextDouble()));
                if (r.nextInt(15) == 0) {
                    evs.add(new Ev(user, page, t, "add_to_cart", null));
                    others++;
                    continue;
                }
                evs.add(new Ev(user, page, t, "view", 1000 + (long) r.nextInt(7000)));
                views++;
                long ms = t.toEpochMilli();
                Long before = lastView.put(user + "|" + page, ms);
                boolean revisit = before != null && truth.isRevisit(before, ms);
                if (r.nextDouble() < truth.clickProbability(user, page, revisit)) {
                    long min = truth.clickDelayMin().toMillis();
                    long delay = min + r.nextLong(truth.clickDelayMax().toMillis() - min + 1);
                    clicks.add(new Ev(user, page, t.plusMillis(delay), "click", null));
                    clickCount++;
                }
            }
            if (!end.isBefore(to)) {
                while (!clicks.isEmpty()) {
                    evs.add(clicks.poll());
                }
            }
            root.batch(evs, end);
            batches++;
        }
        root.batch(List.of(), sealTo);
        return new Summary(views, clickCount, others, batches + 1);
    }

    private void writeTruth(Path root) {
        Path file = Path.of(DataRoot.of(root.toString()).truth());
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, truth.toJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private double[] pageCdf() {
        double[] cdf = new double[pages];
        double sum = 0;
        for (int i = 0; i < pages; i++) {
            sum += 1.0 / Math.pow(i + 1, skew);
            cdf[i] = sum;
        }
        for (int i = 0; i < pages; i++) {
            cdf[i] /= sum;
        }
        return cdf;
    }

    private static int pick(double[] cdf, double u) {
        for (int i = 0; i < cdf.length; i++) {
            if (u < cdf[i]) {
                return i;
            }
        }
        return cdf.length - 1;
    }

    /** The producer's page names. */
    static String pageName(int i) {
        return switch (i) {
            case 0 -> "/home";
            case 1 -> "/search";
            default -> String.format("/product/p-%04d", i - 1);
        };
    }
}
