package io.streamingclicks.producer.ledger;

import io.streamingclicks.producer.send.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * After a crash (SIGKILL) the previous run's last acknowledgements may not have reached its ledger. Before sending,
 * reads each partition after the highest offset the ledger has, counts the records a previous run of this producer
 * wrote there (its run id header) and books them as acknowledged: they are on the topic, so Kafka answered them.
 */
public final class LedgerRecovery {

    private static final Logger LOG = Logger.getLogger(LedgerRecovery.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private LedgerRecovery() {
    }

    /** Books every unledgered record of {@code previousRuns} into {@code writer}; returns how many. */
    public static long recover(String bootstrap, String topic, Map<Integer, Long> maxAckedOffsets,
                               Set<String> previousRuns, LedgerWriter writer) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "producer-service-ledger-recovery");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(TIMEOUT.toMillis()));
        long recovered = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> position = new HashMap<>();
            for (TopicPartition tp : partitions) {
                long from = Math.max(begin.get(tp), maxAckedOffsets.getOrDefault(tp.partition(), -1L) + 1);
                consumer.seek(tp, from);
                position.put(tp, from);
            }
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> position.get(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " on " + bootstrap + " up to " + end
                            + " took over " + TIMEOUT.toSeconds() + " s; reached " + position);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    position.merge(tp, r.offset() + 1, Math::max);
                    if (r.offset() >= end.get(tp) || !previousRuns.contains(header(r, RecordHeaders.RUN))) {
                        continue;
                    }
                    RecordHeaders.Booking b = RecordHeaders.booking(r.value(), header(r, RecordHeaders.LATENESS));
                    if (b != null) {
                        writer.answered(b.eventTime(), b.pageId(), b.late(),
                                io.streamingclicks.producer.send.Outcome.ACKED, r.partition(), r.offset());
                        recovered++;
                    }
                }
            }
        }
        writer.flush();
        if (recovered > 0) {
            LOG.warnf("ledger recovery: %d records of a previous run were on %s without a ledger entry (that run"
                    + " was killed before its last flush); booked as acknowledged", recovered, topic);
        }
        return recovered;
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
