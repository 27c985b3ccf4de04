package io.streamingclicks.job.maintenance;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The job's maintenance schedule: a failed run (an exception, even an Error) is logged and the next one runs. */
class CompactScheduleTest {

    @Test
    void aFailedRunDoesNotCancelTheNextOnes() {
        AtomicInteger runs = new AtomicInteger();
        try (CompactSchedule schedule = CompactSchedule.start(() -> {
            int n = runs.incrementAndGet();
            if (n == 1) {
                throw new IllegalStateException("the catalog was busy");
            }
            if (n == 2) {
                throw new AssertionError("not only exceptions");
            }
        }, Duration.ofMillis(20))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 4);
        }
        int stopped = runs.get();
        await().pollDelay(Duration.ofMillis(200)).until(() -> true);
        assertThat(runs.get()).as("runs after close").isLessThanOrEqualTo(stopped + 1);
    }

    @Test
    void itRunsOnADaemonThreadNotBeforeTheFirstInterval() throws InterruptedException {
        AtomicInteger runs = new AtomicInteger();
        boolean[] daemon = new boolean[1];
        try (CompactSchedule schedule = CompactSchedule.start(() -> {
            daemon[0] = Thread.currentThread().isDaemon();
            runs.incrementAndGet();
        }, Duration.ofMillis(500))) {
            Thread.sleep(100);
            assertThat(runs.get()).as("runs within the first interval").isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 1);
        }
        assertThat(daemon[0]).as("the maintenance thread is a daemon: it never keeps the JVM up").isTrue();
    }
}
