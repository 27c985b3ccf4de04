package io.streamingclicks.job.support;

import io.streamingclicks.kafka.KafkaCluster;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.time.Duration;
import java.time.Instant;

/**
 * The one 3-broker cluster of the test JVM ({@link KafkaCluster#startForTests()}), handed to every test class or method
 * that declares a {@code KafkaCluster} parameter under {@code @ExtendWith(SharedKafka.class)}: started on first use,
 * closed once by JUnit after the last test (an {@link AutoCloseable} in the root store). Sharing is safe because each
 * test uses topics of its own ({@link KafkaCluster#createRandomTopic()}) and none stops a broker.
 */
public final class SharedKafka implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedKafka.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaCluster.class;
    }

    @Override
    public KafkaCluster resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Closing.class, k -> new Closing(), Closing.class).cluster;
    }

    /** Closed by JUnit with the root store: stops the brokers and deletes their directory. */
    private static final class Closing implements AutoCloseable {

        private final KafkaCluster cluster;

        Closing() {
            Instant start = Instant.now();
            cluster = KafkaCluster.startForTests();
            System.out.printf("shared test cluster %s started in %d ms%n", cluster.bootstrapServers(),
                    Duration.between(start, Instant.now()).toMillis());
        }

        @Override
        public void close() {
            Instant start = Instant.now();
            cluster.close();
            System.out.printf("shared test cluster %s closed in %d ms%n", cluster.bootstrapServers(),
                    Duration.between(start, Instant.now()).toMillis());
        }
    }
}
