package io.streamingclicks.producer.generate;

import io.streamingclicks.contract.ClickTruth;
import java.util.SplittableRandom;

/**
 * The base of {@link ClickTruth} that keeps the action mix: clicks per view, averaged over views, equal to the mix's
 * click weight over its view weight (0.25 / 0.70 by default). The average runs over users (uniform), pages (by
 * popularity) and r, taking each (user, page)'s views as a Poisson stream at the start's rate, so that a pair is a
 * revisit with probability {@code 1 - exp(-views of the pair per second * window)}. Exact over every pair up to
 * {@link #PAIRS}, a fixed sample of that many beyond.
 */
public final class ClickCalibration {

    static final int PAIRS = 50_000;

    private ClickCalibration() {
    }

    /**
     * @param catalogue     users, pages and the action mix at start
     * @param eventsPerSecond events per second of event time (the rate, once the clock runs at wall speed)
     */
    public static double base(ClickTruth truth, Catalogue catalogue, double eventsPerSecond) {
        double viewShare = catalogue.actionShare(PropensityStream.VIEW);
        double target = viewShare > 0 ? catalogue.actionShare(PropensityStream.CLICK) / viewShare : 0;
        int users = catalogue.users();
        int pages = catalogue.pages().size();
        double viewsPerPairSecond = eventsPerSecond * viewShare / users;
        double windowS = truth.revisitWindow().toMillis() / 1000.0;
        boolean exact = (long) users * pages <= PAIRS;
        int n = exact ? users * pages : PAIRS;
        double[] x = new double[n];
        double[] q = new double[n];
        double[] w = new double[n];
        double[] pageEffect = new double[pages];
        double[] share = new double[pages];
        double[] cdf = new double[pages];
        for (int p = 0; p < pages; p++) {
            pageEffect[p] = truth.pageAttractiveness(Catalogue.pageName(p));
            share[p] = catalogue.pageShare(p);
            cdf[p] = (p == 0 ? 0 : cdf[p - 1]) + share[p];
        }
        SplittableRandom r = new SplittableRandom(truth.seed());
        for (int i = 0; i < n; i++) {
            int u = exact ? i / pages : r.nextInt(users);
            int p = exact ? i % pages : Math.min(pages - 1, insertionPoint(cdf, r.nextDouble()));
            x[i] = truth.userPropensity(Catalogue.userName(u)) + pageEffect[p];
            q[i] = 1 - Math.exp(-viewsPerPairSecond * share[p] * windowS);
            w[i] = exact ? share[p] / users : 1.0 / n;
        }
        double lo = -ClickTruth.MAX_BASE;
        double hi = ClickTruth.MAX_BASE;
        for (int it = 0; it < 60; it++) {
            double mid = (lo + hi) / 2;
            if (meanClicksPerView(mid, truth.gamma(), x, q, w) < target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** E[p] over views at this base: each pair weighted by its share of views, r by its revisit probability. */
    static double meanClicksPerView(double base, double gamma, double[] x, double[] q, double[] w) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += w[i] * ((1 - q[i]) * ClickTruth.sigmoid(base + x[i])
                    + q[i] * ClickTruth.sigmoid(base + x[i] + gamma));
        }
        return sum;
    }

    private static int insertionPoint(double[] cdf, double u) {
        int i = java.util.Arrays.binarySearch(cdf, u);
        return i >= 0 ? i + 1 : -i - 1;
    }
}
