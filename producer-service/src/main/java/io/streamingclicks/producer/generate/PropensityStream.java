package io.streamingclicks.producer.generate;

import io.streamingclicks.contract.ClickEvent;
import io.streamingclicks.contract.ClickTruth;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;
import org.jboss.logging.Logger;

/**
 * {@code PRODUCER_CLICK_MODEL=propensity}: views, add-to-carts (any action but {@code click}) are drawn as today; a
 * view of p by u at event time t is followed, with {@link ClickTruth#clickProbability}, by a click of p by u at
 * {@code t + d}, sent once the event clock reaches it, in the slot of a drawn event (so the rate stays the rate). The
 * click travels with its view: a late view's click is late too, by the same offset.
 */
public final class PropensityStream implements ClickStream {

    private static final Logger LOG = Logger.getLogger(PropensityStream.class);
    public static final String VIEW = "view";
    public static final String CLICK = "click";
    /** Users whose a_u is kept (~100 bytes each); past it the cache starts over. Pages are bounded by the catalogue. */
    private static final int EFFECTS_KEPT = 200_000;

    private record Pending(long dueMs, long seq, Next next) {
    }

    private final ClickTruth truth;
    private final ViewHistory history;
    private final PriorityQueue<Pending> pending =
            new PriorityQueue<>(Comparator.comparingLong(Pending::dueMs).thenComparingLong(Pending::seq));
    /** a_u and b_p per id: a hash and three StrictMath calls each per view otherwise. */
    private final Map<String, Double> userEffect = new HashMap<>();
    private final Map<String, Double> pageEffect = new HashMap<>();
    private volatile GeneratorSettings settings;
    private volatile EventFactory primaries;
    private long seq;
    private boolean warnedDropped;

    PropensityStream(ClickTruth truth, int historyCapacity) {
        this.truth = truth;
        this.history = new ViewHistory(truth, historyCapacity);
    }

    /**
     * The actions drawn directly: all but {@code click}, whose weight the model replaces.
     *
     * @throws IllegalArgumentException when nothing but clicks has a weight
     */
    public static Map<String, Double> primaryActions(Map<String, Double> actions) {
        Map<String, Double> m = new LinkedHashMap<>(actions);
        m.remove(CLICK);
        if (!(m.values().stream().mapToDouble(Double::doubleValue).sum() > 0)) {
            throw new IllegalArgumentException("with PRODUCER_CLICK_MODEL=propensity clicks follow views: the action"
                    + " mix needs a weight > 0 besides click, got " + actions);
        }
        return m;
    }

    @Override
    public synchronized void apply(GeneratorSettings s, EventFactory all) {
        primaries = new EventFactory(new Catalogue(s.users(), s.pages(), s.skew(), primaryActions(s.actions())),
                s.meanViewMs());
        history.lateBy(s.lateFraction() > 0 ? -s.lateOffset().toMillis() : 0);
        settings = s;
    }

    @Override
    public synchronized Next next(RandomGenerator r, long clockMs) {
        Pending due = pending.peek();
        if (due != null && due.dueMs() <= clockMs) {
            return pending.poll().next();
        }
        GeneratorSettings s = settings;
        boolean late = s.lateFraction() > 0 && r.nextDouble() < s.lateFraction();
        long t = late ? clockMs + s.lateOffset().toMillis() : clockMs;
        ClickEvent e = primaries.event(r, Instant.ofEpochMilli(t));
        if (VIEW.equals(e.action())) {
            boolean revisit = history.viewed(e.userId(), e.pageId(), t);
            if (r.nextDouble() < probability(e.userId(), e.pageId(), revisit)) {
                long min = truth.clickDelayMin().toMillis();
                long span = truth.clickDelayMax().toMillis() - min;
                long delay = min + (span > 0 ? r.nextLong(span + 1) : 0);
                ClickEvent click = new ClickEvent(EventFactory.uuid(r), e.userId(), e.pageId(),
                        Instant.ofEpochMilli(t + delay), CLICK, 0L);
                // Due when the clock has moved on by the delay: a late view's click lags the clock as much as it.
                pending.add(new Pending(clockMs + delay, seq++, new Next(click, late)));
            }
            if (!warnedDropped && history.droppedInWindow() > 0) {
                warnedDropped = true;
                LOG.warnf("the generator's view memory (%d pairs) is full: pairs viewed within the revisit window"
                        + " are forgotten, so some revisits are drawn with r = 0", ViewHistory.CAPACITY);
            }
        }
        return new Next(e, late);
    }

    double probability(String user, String page, boolean revisit) {
        if (userEffect.size() > EFFECTS_KEPT) {
            userEffect.clear();
        }
        double a = userEffect.computeIfAbsent(user, truth::userPropensity);
        double b = pageEffect.computeIfAbsent(page, truth::pageAttractiveness);
        return truth.clickProbability(a, b, revisit);
    }

    @Override
    public synchronized int stopped() {
        int n = pending.size();
        pending.clear();
        return n;
    }

    /** Views remembered for r, and those dropped by the bound inside the window. */
    public synchronized String memory() {
        return history.size() + " pairs, " + history.droppedInWindow() + " dropped inside the revisit window";
    }
}
