package io.streamingclicks.producer.sink;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamingclicks.contract.ClickEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * The newest event time among the last few records of each partition of a topic, read with a short-lived consumer:
 * cheap (a handful of records, whatever the topic's size) and best effort: no topic, an empty one, records that are
 * not contract events or brokers that do not answer in time give nothing, never an error.
 */
final class TopicTail {

    private static final Logger LOG = Logger.getLogger(TopicTail.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private TopicTail() {
    }

    static Optional<Instant> newestEventTime(String bootstrap, String topic, int perPartition, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "producer-service-topic-tail");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Looking must not create the topic (the job's set-up, or the first send, does that with its settings).
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                return Optional.empty();
            }
            List<TopicPartition> all = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(all, left(deadline));
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(all, left(deadline));
            List<TopicPartition> tails = new ArrayList<>();
            for (TopicPartition tp : all) {
                if (end.get(tp) > begin.get(tp)) {
                    tails.add(tp);
                }
            }
            consumer.assign(tails);
            for (TopicPartition tp : tails) {
                consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - perPartition));
            }
            Instant newest = null;
            while (!done(consumer, tails, end, deadline)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    Instant t = eventTime(r.value());
                    if (t != null && (newest == null || t.isAfter(newest))) {
                        newest = t;
                    }
                }
            }
            return Optional.ofNullable(newest);
        } catch (RuntimeException e) {
            // Brokers down or slow: the producer starts as before; the ledger recovery reports unreachable brokers.
            LOG.debugf("cannot read the tail of topic %s on %s: %s", topic, bootstrap, e);
            return Optional.empty();
        }
    }

    /** True once every partition's tail is read; throws when the time is up (a partial answer is no answer). */
    private static boolean done(KafkaConsumer<?, ?> consumer, List<TopicPartition> tails,
                                Map<TopicPartition, Long> end, long deadline) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the tail was not read in time");
        }
        return tails.stream().allMatch(tp -> consumer.position(tp, left(deadline)) >= end.get(tp));
    }

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    }

    /** The contract's event time of a record's value, or null if it is not a contract event. */
    private static Instant eventTime(String json) {
        if (json == null) {
            return null;
        }
        try {
            return ClickEvent.fromFields(JSON.readValue(json, new TypeReference<Map<String, Object>>() { }))
                    .eventTime();
        } catch (Exception notAnEvent) {
            return null;
        }
    }
}
