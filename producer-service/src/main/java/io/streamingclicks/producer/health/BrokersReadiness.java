package io.streamingclicks.producer.health;

import io.streamingclicks.producer.config.ProducerSettings;
import io.streamingclicks.producer.sink.LandingSink;
import io.streamingclicks.producer.sink.Sink;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the brokers answer: asks the cluster for its live brokers, within 3 s (always ready in landing mode). */
@Readiness
@ApplicationScoped
public class BrokersReadiness implements HealthCheck {

    @Inject
    ProducerSettings settings;
    @Inject
    Sink sink;

    private Admin admin;

    private synchronized Admin admin() {
        if (admin == null) {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, "producer-service-health");
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
            admin = Admin.create(p);
        }
        return admin;
    }

    @Override
    public HealthCheckResponse call() {
        if (sink instanceof LandingSink) {
            return HealthCheckResponse.named("landing").withData("sink", "landing").up().build();
        }
        var b = HealthCheckResponse.named("kafka-brokers").withData("bootstrap", settings.bootstrapServers());
        try {
            Collection<Node> nodes = admin().describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes()
                    .get(4, TimeUnit.SECONDS);
            return b.status(!nodes.isEmpty()).withData("brokers", nodes.size()).build();
        } catch (Exception e) {
            return b.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
        }
    }
}
