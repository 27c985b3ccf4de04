package io.streamingclicks.job.maintenance;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link TableMaintenance} every {@code --compact-every} on a daemon thread of the job, with the job's Spark
 * session. A run that fails is logged and the next one tries again: maintenance never stops the job.
 */
public final class CompactSchedule implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CompactSchedule.class);

    private final ScheduledExecutorService executor;

    private CompactSchedule(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /**
     * Runs {@code maintenance} (the job passes {@link TableMaintenance#run}) every {@code every}, the first time one
     * interval after the start: a job that starts should stream first.
     */
    public static CompactSchedule start(Runnable maintenance, Duration every) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "iceberg-maintenance");
            t.setDaemon(true);
            return t;
        });
        long ms = every.toMillis();
        executor.scheduleWithFixedDelay(() -> runOnce(maintenance, every), ms, ms, TimeUnit.MILLISECONDS);
        LOG.info("table maintenance every {} (--compact-every, ICEBERG_COMPACT_INTERVAL)", every);
        return new CompactSchedule(executor);
    }

    private static void runOnce(Runnable maintenance, Duration every) {
        try {
            maintenance.run();
        } catch (Throwable e) {
            // Caught to the last Throwable: an exception escaping here would cancel every later run.
            LOG.error("table maintenance failed; the job goes on and the next run in {} tries again", every, e);
        }
    }

    /** Stops the schedule; a run in progress is interrupted (its uncommitted files are orphans for a later run). */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
