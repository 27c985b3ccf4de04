package io.streamingclicks.job.support;

import io.streamingclicks.contract.ClickEventContract;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Writes click-event JSON (or any text) to a topic with an idempotent producer and waits for every ack. */
public final class Events implements AutoCloseable {

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private long sent;

    public Events(String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
    }

    /** A canonical event as the producer writes it. */
    public static String json(String eventId, String userId, String pageId, Instant eventTime, String action) {
        return "{\"" + ClickEventContract.EVENT_ID + "\":\"" + eventId + "\",\""
                + ClickEventContract.USER_ID + "\":\"" + userId + "\",\""
                + ClickEventContract.PAGE_ID + "\":\"" + pageId + "\",\""
                + ClickEventContract.EVENT_TIME + "\":\"" + ClickEventContract.formatEventTime(eventTime) + "\",\""
                + ClickEventContract.ACTION + "\":\"" + action + "\",\""
                + ClickEventContract.DURATION_MS + "\":100}";
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /** Sends one event and returns its event_id. */
    public String send(String userId, String pageId, Instant eventTime) {
        String id = newId();
        sendRaw(List.of(json(id, userId, pageId, eventTime, "view")));
        return id;
    }

    /** Sends values in order (null key: spread over partitions) and waits until all are acknowledged. */
    public List<RecordMetadata> sendRaw(List<String> values) {
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        for (String v : values) {
            futures.add(producer.send(new ProducerRecord<>(topic, v)));
        }
        producer.flush();
        List<RecordMetadata> out = new ArrayList<>();
        try {
            for (Future<RecordMetadata> f : futures) {
                out.add(f.get());
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("send to " + topic + " failed", e);
        }
        sent += values.size();
        return out;
    }

    public long sent() {
        return sent;
    }

    @Override
    public void close() {
        producer.close();
    }
}
