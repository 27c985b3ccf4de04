package io.streamingclicks.producer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic back in tests: end offsets, and every record between given offsets and the end offsets. */
public final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final List<TopicPartition> partitions;

    public TopicReader(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).sorted((a, b) -> a.partition() - b.partition())
                .toList();
        consumer.assign(partitions);
    }

    /** Partition number to end offset. */
    public Map<Integer, Long> endOffsets() {
        return consumer.endOffsets(partitions, Duration.ofSeconds(30)).entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().partition(), Map.Entry::getValue));
    }

    public static long total(Map<Integer, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Every record from {@code from} (partition to offset; absent means the beginning) up to the end offsets now. */
    public List<ConsumerRecord<String, String>> read(Map<Integer, Long> from) {
        Map<Integer, Long> end = endOffsets();
        Map<Integer, Long> position = new HashMap<>();
        for (TopicPartition tp : partitions) {
            long start = from.getOrDefault(tp.partition(), 0L);
            consumer.seek(tp, start);
            position.put(tp.partition(), start);
        }
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (position.entrySet().stream().anyMatch(e -> e.getValue() < end.get(e.getKey()))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("could not read up to " + end + ", reached " + position);
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.offset() < end.get(r.partition())) {
                    out.add(r);
                }
                position.merge(r.partition(), r.offset() + 1, Math::max);
            }
        }
        return out;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
