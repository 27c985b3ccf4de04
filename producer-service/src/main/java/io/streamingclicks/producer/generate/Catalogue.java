package io.streamingclicks.producer.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The users, pages and actions the generator draws from: user ids {@code 1001, 1002, ...}; pages {@code /home},
 * {@code /search}, {@code /product/p-0001}, ... whose popularity falls off as {@code 1/rank^skew} (Zipf-like, so the
 * Top-N of a window is meaningful and stable); actions by weight.
 */
public final class Catalogue {

    public static final long FIRST_USER = 1001;

    private final int users;
    private final String[] pages;
    private final double[] pageCdf;
    private final String[] actions;
    private final double[] actionCdf;

    public Catalogue(int users, int pages, double skew, Map<String, Double> actionWeights) {
        this.users = users;
        this.pages = new String[pages];
        double[] w = new double[pages];
        for (int i = 0; i < pages; i++) {
            this.pages[i] = pageName(i);
            w[i] = 1.0 / Math.pow(i + 1, skew);
        }
        this.pageCdf = cdf(w);
        // Sorted so the same weights always give the same draws.
        Map<String, Double> sorted = new TreeMap<>(actionWeights);
        this.actions = sorted.keySet().toArray(String[]::new);
        this.actionCdf = cdf(sorted.values().stream().mapToDouble(Double::doubleValue).toArray());
    }

    public static String pageName(int i) {
        return switch (i) {
            case 0 -> "/home";
            case 1 -> "/search";
            default -> String.format("/product/p-%04d", i - 1);
        };
    }

    public static String userName(long i) {
        return Long.toString(FIRST_USER + i);
    }

    public String page(RandomGenerator r) {
        return pages[pick(pageCdf, r.nextDouble())];
    }

    public String user(RandomGenerator r) {
        return userName(r.nextInt(users));
    }

    public String action(RandomGenerator r) {
        return actions[pick(actionCdf, r.nextDouble())];
    }

    public int users() {
        return users;
    }

    /** The share of traffic of page {@code i} ({@link #pageName(int)}). */
    public double pageShare(int i) {
        return pageCdf[i] - (i == 0 ? 0 : pageCdf[i - 1]);
    }

    /** The share of the action mix that is {@code action} (0 when it is not in the mix). */
    public double actionShare(String action) {
        int i = Arrays.asList(actions).indexOf(action);
        return i < 0 ? 0 : actionCdf[i] - (i == 0 ? 0 : actionCdf[i - 1]);
    }

    public List<String> pages() {
        return new ArrayList<>(Arrays.asList(pages));
    }

    private static double[] cdf(double[] w) {
        double[] c = new double[w.length];
        double sum = 0;
        for (int i = 0; i < w.length; i++) {
            sum += w[i];
            c[i] = sum;
        }
        for (int i = 0; i < c.length; i++) {
            c[i] /= sum;
        }
        c[c.length - 1] = 1.0;
        return c;
    }

    private static int pick(double[] cdf, double u) {
        int i = Arrays.binarySearch(cdf, u);
        i = i >= 0 ? i : -i - 1;
        return Math.min(i, cdf.length - 1);
    }
}
