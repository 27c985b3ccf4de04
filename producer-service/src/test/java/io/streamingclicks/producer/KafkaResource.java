package io.streamingclicks.producer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.streamingclicks.kafka.KafkaCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts a real 3-broker cluster (the project's fixture) and a random topic for a {@code @QuarkusTest}, and points
 * the service at them with a fresh {@code DATA_DIR}. The test reaches the cluster through {@link #cluster()}.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

    private static KafkaCluster cluster;
    private static String topic;
    private static Path dataDir;

    @Override
    public Map<String, String> start() {
        cluster = KafkaCluster.startForTests();
        topic = cluster.createRandomTopic();
        try {
            dataDir = Files.createTempDirectory("producer-data-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "kafka.bootstrap.servers", cluster.bootstrapServers(),
                "KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers(),
                "KAFKA_TOPIC", topic,
                "DATA_DIR", dataDir.toString(),
                "PRODUCER_RATE", "200");
    }

    @Override
    public void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    public static KafkaCluster cluster() {
        return cluster;
    }

    public static String topic() {
        return topic;
    }

    public static Path dataDir() {
        return dataDir;
    }
}
