package io.streamingclicks.validator.dq;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.streamingclicks.validator.db.Workspace;
import io.streamingclicks.validator.db.Workspaces;

/**
 * Runs every {@link Check} over one snapshot of committed output on a schedule ({@code validator.check-interval},
 * default 30 s), stores the results and exposes each as Prometheus gauges
 * ({@code validator_check_status{check}}: 0 pass, 1 warn, 2 fail; {@code validator_check_value{check}}).
 */
@ApplicationScoped
public class CheckRunner {

    private static final Logger LOG = Logger.getLogger(CheckRunner.class);

    @Inject
    @Any
    Instance<Check> checks;

    @Inject
    Workspaces workspaces;

    @Inject
    CheckHistory history;

    @Inject
    MeterRegistry registry;

    private final Map<String, CheckResult> latest = new ConcurrentHashMap<>();
    private final List<Meter> gauges = new java.util.concurrent.CopyOnWriteArrayList<>();

    @PostConstruct
    void init() {
        try {
            history.latest().forEach(r -> latest.put(r.check(), r));
            latest.keySet().forEach(this::register);
        } catch (Exception e) {
            LOG.warnf("cannot read the DQ history: %s", e.getMessage());
        }
    }

    @Scheduled(every = "${validator.check-interval}", delayed = "${validator.check-delay:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            runAll();
        } catch (Exception e) {
            LOG.errorf(e, "DQ checks failed to run");
        }
    }

    /** Runs all checks now, stores and returns their results. */
    public synchronized List<CheckResult> runAll() throws Exception {
        List<CheckResult> results = new ArrayList<>();
        try (Workspace ws = workspaces.openFresh()) {
            for (Check c : checks) {
                try {
                    results.addAll(c.run(ws));
                } catch (Exception e) {
                    String name = c.getClass().getSimpleName().replaceAll("_Subclass|_ClientProxy", "");
                    LOG.errorf(e, "check %s could not run", name);
                    results.add(new CheckResult("error_" + name, Status.FAIL, null, null, null,
                            "could not run: " + e.getMessage(), Instant.now()));
                }
            }
        }
        history.store(results);
        for (CheckResult r : results) {
            if (latest.put(r.check(), r) == null) {
                register(r.check());
            }
        }
        return results;
    }

    /**
     * Gauges read {@link #latest} through a strong reference and are removed when this bean is destroyed: the
     * registry outlives an application restart in the same JVM (Quarkus tests), and a gauge left behind would be
     * found by id on the next registration and keep reading the old bean's (collected, weakly held) map.
     */
    private void register(String check) {
        Map<String, CheckResult> results = latest;
        gauges.add(Gauge.builder("validator_check_status",
                        () -> results.containsKey(check) ? results.get(check).status().ordinal() : -1)
                .tag("check", check).description("0 pass, 1 warn, 2 fail").strongReference(true).register(registry));
        gauges.add(Gauge.builder("validator_check_value", () -> {
            CheckResult r = results.get(check);
            return r == null || r.value() == null ? Double.NaN : r.value();
        }).tag("check", check).description("the check's measured value").strongReference(true).register(registry));
    }

    @PreDestroy
    void unregister() {
        gauges.forEach(registry::remove);
        gauges.clear();
    }

    public Map<String, CheckResult> latest() {
        return Map.copyOf(latest);
    }
}
