package io.streamingclicks.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cluster every module tests against: three real KRaft nodes, and what a user relies on when one dies. */
class KafkaClusterIT {

    private static final int RECORDS = 10_000;
    private static KafkaCluster cluster;

    @BeforeAll
    static void start() {
        cluster = KafkaCluster.startForTests();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void comesUpWithThreeBrokersAndEveryPartitionFullyReplicated() throws Exception {
        String topic = cluster.createRandomTopic();

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers()))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
        }
        assertThat(cluster.describe(topic)).hasSize(3).allSatisfy(p -> {
            assertThat(p.replicas()).hasSize(3);
            assertThat(p.isr()).containsExactlyInAnyOrderElementsOf(p.replicas());
            assertThat(p.leader()).isIn(p.replicas());
        });
    }

    @Test
    void sigkillOfALeaderMidRunLosesNoAcknowledgedRecordAndTheBrokerRejoins() throws Exception {
        String topic = cluster.createRandomTopic();
        int victim = cluster.leaders(topic).get(0);
        AtomicInteger ackedAfterKill = new AtomicInteger();
        List<Future<RecordMetadata>> sends = new ArrayList<>();

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps())) {
            boolean killed = false;
            for (int i = 0; i < RECORDS; i++) {
                if (i == RECORDS / 2) {
                    producer.flush(); // half acknowledged before the crash, half sent into it
                    cluster.killNode(victim);
                    killed = true;
                }
                boolean afterKill = killed;
                sends.add(producer.send(new ProducerRecord<>(topic, "key-" + (i % 97), Integer.toString(i)),
                        (md, e) -> {
                            if (e == null && afterKill) {
                                ackedAfterKill.incrementAndGet();
                            }
                        }));
            }
            producer.flush();
        }
        for (Future<RecordMetadata> f : sends) {
            f.get(); // throws if any send was not acknowledged
        }
        assertThat(ackedAfterKill).as("records acknowledged after the kill").hasValue(RECORDS / 2);

        Map<String, Integer> consumed = consumeAll(topic);
        assertThat(consumed).as("every acknowledged record consumed back").hasSize(RECORDS);
        assertThat(consumed.values()).as("none twice").allMatch(n -> n == 1);

        cluster.startNode(victim);
        cluster.awaitFullIsr(topic, Duration.ofSeconds(120));
        assertThat(cluster.describe(topic)).allSatisfy(p -> assertThat(p.isr()).contains(victim).hasSize(3));
    }

    private Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return p;
    }

    /** Value to number of times it was read, reading every partition from the beginning to its end offset. */
    private Map<String, Integer> consumeAll(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Integer> seen = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    seen.merge(r.value(), 1, Integer::sum);
                }
            }
        }
        return seen;
    }
}
