package io.streamingclicks.producer.sink;

import io.streamingclicks.accounting.ledger.LedgerCodec;
import io.streamingclicks.accounting.ledger.LedgerFiles;
import io.streamingclicks.accounting.ledger.LedgerSummary;
import io.streamingclicks.contract.ClickEvent;
import io.streamingclicks.producer.ledger.LedgerRecovery;
import io.streamingclicks.producer.ledger.LedgerWriter;
import io.streamingclicks.producer.send.Outcome;
import io.streamingclicks.producer.send.RecordHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * The topic: contract events keyed by {@code user_id}, sent with an idempotent {@code acks=all} producer, each answer
 * acknowledged (with its offset), in doubt (timed out or otherwise unanswered: it may be in Kafka) or failed (never
 * left this process). Every record carries this run's id, so a restart can book what a killed run left unledgered.
 */
public final class KafkaSink implements Sink {

    private static final Logger LOG = Logger.getLogger(KafkaSink.class);
    /** A callback that runs on the sending thread inside send() means the record was never appended. */
    private static final ThreadLocal<boolean[]> IN_SEND = ThreadLocal.withInitial(() -> new boolean[1]);

    private final String bootstrap;
    private final String topic;
    private final String compression;
    private KafkaProducer<String, String> producer;
    private Iterable<Header> onTimeHeaders;
    private Iterable<Header> lateHeaders;

    public KafkaSink(String bootstrap, String topic, String compression) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.compression = compression;
    }

    @Override
    public LedgerWriter begin(Path ledgerDir, long runStartMs) {
        Set<String> previousRuns = LedgerFiles.runIds(ledgerDir);
        LedgerSummary before = LedgerSummary.readAll(ledgerDir);
        LedgerWriter writer = new LedgerWriter(ledgerDir, runStartMs);
        if (!previousRuns.isEmpty()) {
            try {
                LedgerRecovery.recover(bootstrap, topic, before.maxAckedOffsets(), previousRuns, writer);
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot reconcile the ledger in " + ledgerDir + " with topic " + topic
                        + " on brokers " + bootstrap + " (are they up?): " + e.getMessage(), e);
            }
        }
        byte[] run = Long.toString(runStartMs).getBytes(StandardCharsets.UTF_8);
        onTimeHeaders = List.of(new RecordHeader(RecordHeaders.RUN, run),
                new RecordHeader(RecordHeaders.LATENESS, LedgerCodec.ON_TIME.getBytes(StandardCharsets.UTF_8)));
        lateHeaders = List.of(new RecordHeader(RecordHeaders.RUN, run),
                new RecordHeader(RecordHeaders.LATENESS, LedgerCodec.LATE.getBytes(StandardCharsets.UTF_8)));
        Properties config = config(bootstrap);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        LOG.infof("sending to topic %s on %s (acks=all, idempotent, compression %s)", topic, bootstrap, compression);
        return writer;
    }

    static Properties config(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "producer-service");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        // An unanswered send becomes "in doubt" after 30 s rather than the default 2 min, so a burst's answer and
        // the ledger settle soon after a broker outage.
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        // A send that cannot even be queued (no metadata, buffer full) fails fast instead of stalling the generator.
        // These two deadlines are what Sink.MAX_ANSWER_TIME bounds.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        return p;
    }

    @Override
    public void send(ClickEvent event, String json, boolean late, Answer answer) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, null, event.userId(), json,
                late ? lateHeaders : onTimeHeaders);
        boolean[] inSend = IN_SEND.get();
        inSend[0] = true;
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    answer.answered(Outcome.ACKED, metadata.hasOffset() ? metadata.partition() : -1,
                            metadata.hasOffset() ? metadata.offset() : -1);
                    return;
                }
                Outcome o = IN_SEND.get()[0] || definitelyNotWritten(error) ? Outcome.FAILED : Outcome.IN_DOUBT;
                LOG.debugf("send %s: %s", o, error);
                answer.answered(o, -1, -1);
            });
        } catch (RuntimeException e) {
            // Thrown before the record was queued (closed producer, serialization, interrupted): never written.
            LOG.debugf("send failed before queueing: %s", e);
            answer.answered(Outcome.FAILED, -1, -1);
        } finally {
            inSend[0] = false;
        }
    }

    /** The last few records of each partition: enough to see where the topic's event time stands, cheaply. */
    @Override
    public Optional<Instant> newestEventTime() {
        return TopicTail.newestEventTime(bootstrap, topic, 5, Duration.ofSeconds(5));
    }

    /** Errors the broker or client raise only for a record that was not written. */
    static boolean definitelyNotWritten(Exception e) {
        return e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException
                || e instanceof InvalidTopicException || e instanceof AuthorizationException
                || e instanceof SerializationException;
    }

    @Override
    public void close() {
        producer.close(MAX_ANSWER_TIME);
    }
}
