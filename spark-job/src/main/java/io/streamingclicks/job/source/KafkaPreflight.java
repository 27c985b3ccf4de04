package io.streamingclicks.job.source;

import io.streamingclicks.job.options.JobOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Asks the brokers for the cluster id and the topic list before any query starts, so an unreachable cluster is a
 * startup failure naming the bootstrap servers, not a query retrying silently forever. A missing topic is only a
 * warning: the job starts and reads it once it exists.
 */
public final class KafkaPreflight {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaPreflight.class);

    private KafkaPreflight() {
    }

    /** @throws IllegalStateException naming the bootstrap servers when no broker answers within {@code timeout} */
    public static void check(JobOptions options, Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Set<String> topics = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!topics.contains(options.topic())) {
                LOG.warn("topic {} does not exist yet on {}; the job reads it once it does", options.topic(),
                        options.bootstrapServers());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while contacting Kafka at " + options.bootstrapServers(), e);
        } catch (Exception e) {
            throw new IllegalStateException("no Kafka broker answered at " + options.bootstrapServers() + " within "
                    + timeout.toSeconds() + " s (KAFKA_BOOTSTRAP_SERVERS / --bootstrap-servers): " + e, e);
        }
    }
}
