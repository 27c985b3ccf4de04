package io.streamingclicks.contract;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The generator's click model, its known truth: the one definition the producer draws clicks from and that a job or a
 * check recomputes the true click probability with, from {@code DATA_DIR/ledger/truth.json} ({@link #fromJson},
 * {@link DataRoot#truth()}) and the counted events. JDK only, so Spark, Quarkus and a plain test can all call it.
 *
 * <p><b>The model</b> ({@link Model#PROPENSITY}). User {@code u} has a propensity {@code a_u}, page {@code p} an
 * attractiveness {@code b_p}, both fixed by the id and the seed:
 *
 * <pre>
 *   a_u = userSpread * z(seed, "user", u)      b_p = pageSpread * z(seed, "page", p)
 *   P(click | view of p by u at event time t) = sigmoid(base + a_u + b_p + gamma * r)
 *   r = 1 iff u viewed p at an event time in [t - revisitWindow, t)
 * </pre>
 *
 * The click, if drawn, is an event of its own, at event time {@code t + d}, {@code d} uniform in
 * {@code [clickDelayMin, clickDelayMax]} (milliseconds, both ends included); {@code base} is the offset that makes
 * the clicks per view match the action mix (the producer calibrates it at first start, see its README).
 *
 * <p><b>{@code z}</b>, a standard normal from a hash, reproducible anywhere: {@code h0} = 64-bit FNV-1a of the UTF-8
 * bytes of {@code kind + ":" + id}; {@code h1 = mix(seed ^ h0)}, {@code h2 = mix(h1)}, where {@code mix} is
 * SplitMix64's step ({@code x += 0x9E3779B97F4A7C15}, then the finaliser); {@code u1 = ((h1 >>> 11) + 0.5) / 2^53},
 * {@code u2 = (h2 >>> 11) / 2^53}; {@code z = sqrt(-2 ln u1) * cos(2 pi u2)} (Box-Muller). All arithmetic is
 * {@link StrictMath}, so every JVM computes the same bits.
 *
 * <p><b>What r means in the stream.</b> The producer decides r from the views it sent earlier in this run (a
 * bounded memory, empty after a restart). That equals the definition above computed from the events, except: in the
 * first {@code revisitWindow} after a (re)start (views of the previous run are forgotten); for an on-time view, a late
 * view of the pair whose event time lies before it but which is sent after it (within the late offset); and a pair
 * the memory dropped (the producer logs when that happens inside the window). A late view is sent after every view
 * before it in event time (while the late offset stays the same), so its r is exact. A click not yet due when the
 * generator stops is never sent.
 *
 * <p>{@link Model#INDEPENDENT}: every event's user, page and action are drawn independently; nothing predicts a click
 * and the numbers here describe nothing.
 */
public record ClickTruth(Model model, long seed, double userSpread, double pageSpread, double gamma, double base,
                         Duration clickDelayMin, Duration clickDelayMax, Duration revisitWindow) {

    /** The file's name in the ledger directory. */
    public static final String FILE = "truth.json";
    /** The version of {@link #toJson()}'s format; a reader refuses others. */
    public static final int FORMAT_VERSION = 1;

    public static final double MAX_SPREAD = 3;
    public static final double MAX_GAMMA = 5;
    public static final double MAX_BASE = 20;
    public static final Duration MAX_CLICK_DELAY = Duration.ofMinutes(5);
    public static final Duration MAX_REVISIT_WINDOW = Duration.ofHours(24);
    /** {@link Setting#PRODUCER_CLICK_BASE}'s value that asks the producer to calibrate the base. */
    public static final String AUTO = "auto";

    private static final String FORMULA = "p = sigmoid(base + a_u + b_p + gamma * r); a_u = user_spread * z(seed,"
            + " 'user', user_id); b_p = page_spread * z(seed, 'page', page_id); r = 1 iff u viewed p in"
            + " [t - revisit_window_ms, t)";

    /** How clicks come about. */
    public enum Model {
        /** A view may be followed by a click, with the probability above. */
        PROPENSITY,
        /** Today's generator: action drawn independently of user and page. */
        INDEPENDENT;

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Model of(String setting, String text) {
            for (Model m : values()) {
                if (m.text().equals(text)) {
                    return m;
                }
            }
            throw new IllegalArgumentException(setting + " must be propensity or independent, got '" + text + "'");
        }
    }

    /** Checks every parameter, naming the setting that sets it and its range. */
    public ClickTruth {
        if (model == null) {
            throw new IllegalArgumentException(Setting.PRODUCER_CLICK_MODEL + " must be propensity or independent");
        }
        range(Setting.PRODUCER_CLICK_USER_SPREAD, userSpread, 0, MAX_SPREAD);
        range(Setting.PRODUCER_CLICK_PAGE_SPREAD, pageSpread, 0, MAX_SPREAD);
        range(Setting.PRODUCER_CLICK_GAMMA, gamma, -MAX_GAMMA, MAX_GAMMA);
        range(Setting.PRODUCER_CLICK_BASE, base, -MAX_BASE, MAX_BASE);
        if (clickDelayMin == null || clickDelayMin.toMillis() < 1 || clickDelayMin.compareTo(MAX_CLICK_DELAY) > 0) {
            throw new IllegalArgumentException(Setting.PRODUCER_CLICK_DELAY_MIN + " must lie in PT0.001S.."
                    + MAX_CLICK_DELAY + " (a click comes strictly after its view), got " + clickDelayMin);
        }
        if (clickDelayMax == null || clickDelayMax.compareTo(clickDelayMin) < 0
                || clickDelayMax.compareTo(MAX_CLICK_DELAY) > 0) {
            throw new IllegalArgumentException(Setting.PRODUCER_CLICK_DELAY_MAX + " must lie in "
                    + Setting.PRODUCER_CLICK_DELAY_MIN + " (" + clickDelayMin + ").." + MAX_CLICK_DELAY + ", got "
                    + clickDelayMax);
        }
        if (revisitWindow == null || revisitWindow.toMillis() < 1000
                || revisitWindow.compareTo(MAX_REVISIT_WINDOW) > 0) {
            throw new IllegalArgumentException(Setting.PRODUCER_CLICK_REVISIT_WINDOW + " must lie in PT1S.."
                    + MAX_REVISIT_WINDOW + ", got " + revisitWindow);
        }
    }

    /**
     * The parameters from settings ({@code value} returns a setting's text, or its default), with {@code base} for
     * {@link Setting#PRODUCER_CLICK_BASE} (see {@link #configuredBase}).
     *
     * @throws IllegalArgumentException naming the setting, its range and the value given
     */
    public static ClickTruth fromSettings(Function<Setting, String> value, double base) {
        return new ClickTruth(
                Model.of(Setting.PRODUCER_CLICK_MODEL.name(), value.apply(Setting.PRODUCER_CLICK_MODEL)),
                seed(value.apply(Setting.PRODUCER_CLICK_SEED)),
                number(Setting.PRODUCER_CLICK_USER_SPREAD, value, 0, MAX_SPREAD),
                number(Setting.PRODUCER_CLICK_PAGE_SPREAD, value, 0, MAX_SPREAD),
                number(Setting.PRODUCER_CLICK_GAMMA, value, -MAX_GAMMA, MAX_GAMMA),
                base,
                Durations.parse(Setting.PRODUCER_CLICK_DELAY_MIN.name(), value.apply(Setting.PRODUCER_CLICK_DELAY_MIN)),
                Durations.parse(Setting.PRODUCER_CLICK_DELAY_MAX.name(), value.apply(Setting.PRODUCER_CLICK_DELAY_MAX)),
                Durations.parse(Setting.PRODUCER_CLICK_REVISIT_WINDOW.name(),
                        value.apply(Setting.PRODUCER_CLICK_REVISIT_WINDOW)));
    }

    /** {@link Setting#PRODUCER_CLICK_BASE} as a number, or empty for {@value #AUTO} (calibrate). */
    public static OptionalDouble configuredBase(Function<Setting, String> value) {
        String v = value.apply(Setting.PRODUCER_CLICK_BASE);
        return AUTO.equals(v) ? OptionalDouble.empty()
                : OptionalDouble.of(number(Setting.PRODUCER_CLICK_BASE, value, -MAX_BASE, MAX_BASE));
    }

    public ClickTruth withBase(double newBase) {
        return new ClickTruth(model, seed, userSpread, pageSpread, gamma, newBase, clickDelayMin, clickDelayMax,
                revisitWindow);
    }

    /** {@code a_u}: the user's propensity. */
    public double userPropensity(String userId) {
        return userSpread * standardNormal(seed, "user", userId);
    }

    /** {@code b_p}: the page's attractiveness. */
    public double pageAttractiveness(String pageId) {
        return pageSpread * standardNormal(seed, "page", pageId);
    }

    /** The probability that a view of {@code pageId} by {@code userId} is followed by a click. */
    public double clickProbability(String userId, String pageId, boolean revisit) {
        return clickProbability(userPropensity(userId), pageAttractiveness(pageId), revisit);
    }

    /** The same from {@code a_u} and {@code b_p} already computed (a caller that keeps them per id). */
    public double clickProbability(double userPropensity, double pageAttractiveness, boolean revisit) {
        return sigmoid(base + userPropensity + pageAttractiveness + (revisit ? gamma : 0));
    }

    /** Whether a view at {@code viewMs} makes one at {@code nowMs} a revisit: {@code viewMs} in [now - window, now). */
    public boolean isRevisit(long viewMs, long nowMs) {
        return viewMs < nowMs && nowMs - viewMs <= revisitWindow.toMillis();
    }

    public static double sigmoid(double x) {
        return 1 / (1 + StrictMath.exp(-x));
    }

    /** {@code z(seed, kind, id)} of the class comment: a standard normal deviate fixed by its arguments. */
    public static double standardNormal(long seed, String kind, String id) {
        long h0 = fnv1a64(kind + ":" + id);
        long h1 = mix(seed ^ h0);
        long h2 = mix(h1);
        double u1 = ((h1 >>> 11) + 0.5) / 0x1p53;
        double u2 = (h2 >>> 11) / 0x1p53;
        return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * StrictMath.PI * u2);
    }

    static long fnv1a64(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    static long mix(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The parameters as a small flat JSON object, durations in milliseconds; {@code formula} and {@code definition}
     * are for a person reading the file, a reader ignores them.
     */
    public String toJson() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("version", Integer.toString(FORMAT_VERSION));
        f.put("model", quote(model.text()));
        f.put("seed", Long.toString(seed));
        f.put("user_spread", Double.toString(userSpread));
        f.put("page_spread", Double.toString(pageSpread));
        f.put("gamma", Double.toString(gamma));
        f.put("base", Double.toString(base));
        f.put("click_delay_min_ms", Long.toString(clickDelayMin.toMillis()));
        f.put("click_delay_max_ms", Long.toString(clickDelayMax.toMillis()));
        f.put("revisit_window_ms", Long.toString(revisitWindow.toMillis()));
        f.put("formula", quote(FORMULA));
        f.put("definition", quote(ClickTruth.class.getName()));
        StringBuilder b = new StringBuilder("{\n");
        f.forEach((k, v) -> b.append("  \"").append(k).append("\": ").append(v).append(",\n"));
        b.setLength(b.length() - 2);
        return b.append("\n}\n").toString();
    }

    /**
     * Reads what {@link #toJson()} wrote (any whitespace, any key order, unknown keys ignored).
     *
     * @throws IllegalArgumentException naming the missing or bad key, or the version it cannot read
     */
    public static ClickTruth fromJson(String json) {
        Map<String, String> f = FlatJson.parse(json);
        String version = required(f, "version");
        if (!Integer.toString(FORMAT_VERSION).equals(version)) {
            throw new IllegalArgumentException(FILE + " has version " + version + "; this build reads version "
                    + FORMAT_VERSION);
        }
        try {
            return new ClickTruth(Model.of(FILE + " model", required(f, "model")),
                    Long.parseLong(required(f, "seed")),
                    Double.parseDouble(required(f, "user_spread")),
                    Double.parseDouble(required(f, "page_spread")),
                    Double.parseDouble(required(f, "gamma")),
                    Double.parseDouble(required(f, "base")),
                    Duration.ofMillis(Long.parseLong(required(f, "click_delay_min_ms"))),
                    Duration.ofMillis(Long.parseLong(required(f, "click_delay_max_ms"))),
                    Duration.ofMillis(Long.parseLong(required(f, "revisit_window_ms"))));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(FILE + " holds a number that is not one: " + e.getMessage());
        }
    }

    /**
     * How {@code other} (e.g. this start's settings) differs from this (e.g. the file), one line per setting:
     * {@code PRODUCER_CLICK_SEED: truth.json has 1, this start 7}. {@code base} only if {@code withBase}.
     */
    public List<String> differences(ClickTruth other, boolean withBase) {
        List<String> d = new java.util.ArrayList<>();
        diff(d, Setting.PRODUCER_CLICK_MODEL, model.text(), other.model.text());
        diff(d, Setting.PRODUCER_CLICK_SEED, seed, other.seed);
        diff(d, Setting.PRODUCER_CLICK_USER_SPREAD, userSpread, other.userSpread);
        diff(d, Setting.PRODUCER_CLICK_PAGE_SPREAD, pageSpread, other.pageSpread);
        diff(d, Setting.PRODUCER_CLICK_GAMMA, gamma, other.gamma);
        if (withBase) {
            diff(d, Setting.PRODUCER_CLICK_BASE, base, other.base);
        }
        diff(d, Setting.PRODUCER_CLICK_DELAY_MIN, clickDelayMin, other.clickDelayMin);
        diff(d, Setting.PRODUCER_CLICK_DELAY_MAX, clickDelayMax, other.clickDelayMax);
        diff(d, Setting.PRODUCER_CLICK_REVISIT_WINDOW, revisitWindow, other.revisitWindow);
        return d;
    }

    private static void diff(List<String> d, Setting s, Object file, Object now) {
        if (!file.equals(now)) {
            d.add(s.name() + ": " + FILE + " has " + file + ", this start " + now);
        }
    }

    private static String required(Map<String, String> f, String key) {
        String v = f.get(key);
        if (v == null) {
            throw new IllegalArgumentException(FILE + " lacks \"" + key + "\"");
        }
        return v;
    }

    private static long seed(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(Setting.PRODUCER_CLICK_SEED + " must be an integer in "
                    + Long.MIN_VALUE + ".." + Long.MAX_VALUE + ", got '" + text + "'");
        }
    }

    private static double number(Setting s, Function<Setting, String> value, double min, double max) {
        String v = value.apply(s);
        double d;
        try {
            d = Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            d = Double.NaN;
        }
        range(s, d, min, max);
        return d;
    }

    private static void range(Setting s, double d, double min, double max) {
        if (!(d >= min && d <= max)) {
            String allowed = s == Setting.PRODUCER_CLICK_BASE ? "'auto' or a number in " : "a number in ";
            throw new IllegalArgumentException(s.name() + " must be " + allowed + min + ".." + max + ", got '"
                    + (Double.isNaN(d) ? "not a number" : d) + "'");
        }
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** The few lines of JSON this file needs: one flat object of strings and numbers, values kept as text. */
    private static final class FlatJson {

        static Map<String, String> parse(String json) {
            Map<String, String> out = new LinkedHashMap<>();
            String s = json.strip();
            if (!s.startsWith("{") || !s.endsWith("}")) {
                throw new IllegalArgumentException(FILE + " must hold one JSON object, got: " + abbreviate(s));
            }
            int i = skip(s, 1);
            while (s.charAt(i) != '}') {
                int[] end = new int[1];
                String key = string(s, i, end);
                i = skip(s, end[0]);
                if (s.charAt(i) != ':') {
                    throw bad(s, i);
                }
                i = skip(s, i + 1);
                String value;
                if (s.charAt(i) == '"') {
                    value = string(s, i, end);
                    i = end[0];
                } else {
                    int j = i;
                    while (j < s.length() && ",} \n\r\t".indexOf(s.charAt(j)) < 0) {
                        j++;
                    }
                    value = s.substring(i, j);
                    i = j;
                }
                out.put(key, value);
                i = skip(s, i);
                if (s.charAt(i) == ',') {
                    i = skip(s, i + 1);
                } else if (s.charAt(i) != '}') {
                    throw bad(s, i);
                }
            }
            return out;
        }

        private static String string(String s, int i, int[] end) {
            if (s.charAt(i) != '"') {
                throw bad(s, i);
            }
            StringBuilder b = new StringBuilder();
            for (int j = i + 1; j < s.length(); j++) {
                char c = s.charAt(j);
                if (c == '"') {
                    end[0] = j + 1;
                    return b.toString();
                }
                if (c == '\\' && j + 1 < s.length()) {
                    c = s.charAt(++j);
                }
                b.append(c);
            }
            throw bad(s, i);
        }

        private static int skip(String s, int i) {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= s.length()) {
                throw new IllegalArgumentException(FILE + " ends early: " + abbreviate(s));
            }
            return i;
        }

        private static IllegalArgumentException bad(String s, int i) {
            return new IllegalArgumentException(FILE + " is not the flat JSON object expected, at character " + i
                    + ": " + abbreviate(s));
        }

        private static String abbreviate(String s) {
            return s.length() > 200 ? s.substring(0, 200) + "..." : s;
        }
    }
}
