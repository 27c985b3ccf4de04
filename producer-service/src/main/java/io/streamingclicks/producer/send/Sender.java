package io.streamingclicks.producer.send;

import io.streamingclicks.contract.ClickEvent;
import io.streamingclicks.producer.config.ProducerSettings;
import io.streamingclicks.producer.landing.LandingFiles;
import io.streamingclicks.producer.ledger.Ledger;
import io.streamingclicks.producer.stats.Stats;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import io.streamingclicks.contract.LedgerFormat;
import io.streamingclicks.contract.DataRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Sends contract events to the topic, keyed by {@code user_id}, with an idempotent {@code acks=all} producer, and
 * books each answer: acknowledged (with its offset), in doubt (timed out or otherwise unanswered: it may be in Kafka)
 * or failed (never left this process). Counts reach the ledger and the stats only from the send's callback. With
 * {@code PRODUCER_SINK=landing} it writes the same events to {@link LandingFiles} instead, acked at each rename.
 */
@ApplicationScoped
public class Sender {

    private static final Logger LOG = Logger.getLogger(Sender.class);
    /** A callback that runs on the sending thread inside send() means the record was never appended. */
    private static final ThreadLocal<boolean[]> IN_SEND = ThreadLocal.withInitial(() -> new boolean[1]);

    /** Told of each send's outcome, on the producer's I/O thread. */
    @FunctionalInterface
    public interface Listener {
        void answered(Outcome outcome, RecordMetadata metadata);
    }

    @Inject
    ProducerSettings settings;
    @Inject
    Ledger ledger;
    @Inject
    Stats stats;

    private KafkaProducer<String, String> producer;
    private LandingFiles landing;
    private String topic;
    private Iterable<Header> onTimeHeaders;
    private Iterable<Header> lateHeaders;
    private volatile boolean closed;

    @PostConstruct
    void open() {
        topic = settings.topic();
        // Touches the ledger first: its start-up books a crashed previous run's records before anything is sent.
        byte[] run = ledger.runId().getBytes(StandardCharsets.UTF_8);
        onTimeHeaders = List.of(new RecordHeader(RecordHeaders.RUN, run),
                new RecordHeader(RecordHeaders.LATENESS, LedgerFormat.ON_TIME.getBytes(StandardCharsets.UTF_8)));
        lateHeaders = List.of(new RecordHeader(RecordHeaders.RUN, run),
                new RecordHeader(RecordHeaders.LATENESS, LedgerFormat.LATE.getBytes(StandardCharsets.UTF_8)));
        if (settings.landing()) {
            landing = new LandingFiles(Path.of(DataRoot.of(settings.dataDir()).landing()).toAbsolutePath(),
                    ledger.runId(), Duration.ofSeconds(1), ledger::landed);
            LOG.infof("writing JSON-lines files to %s, one per second (temp name, then rename)", landing.dir());
            return;
        }
        Properties config = config(settings.bootstrapServers());
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, settings.compression());
        producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        LOG.infof("sending to topic %s on %s (acks=all, idempotent, compression %s)", topic,
                settings.bootstrapServers(), settings.compression());
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
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        return p;
    }

    /** Upper bound on how long a send can stay unanswered. */
    public Duration maxAnswerTime() {
        return Duration.ofMillis(30_000 + 5_000 + 5_000);
    }

    /** Sends one event; {@code late} marks a deliberately late event (late fraction or burst). */
    public void send(ClickEvent event, boolean late, Listener listener) {
        String json = event.toJson();
        stats.sent(late, json.length());
        boolean[] inSend = IN_SEND.get();
        if (closed) {
            book(event, late, Outcome.FAILED, null, listener);
            return;
        }
        if (landing != null) {
            // Acked once the file holding it is renamed into place: from then on the job's file source sees it.
            landing.add(json, late, written -> book(event, late, written ? Outcome.ACKED : Outcome.FAILED, null, listener));
            return;
        }
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, null, event.userId(), json,
                late ? lateHeaders : onTimeHeaders);
        inSend[0] = true;
        try {
            producer.send(record, (metadata, error) -> {
                Outcome o = error == null ? Outcome.ACKED
                        : (IN_SEND.get()[0] || definitelyNotWritten(error)) ? Outcome.FAILED : Outcome.IN_DOUBT;
                if (error != null) {
                    LOG.debugf("send %s: %s", o, error);
                }
                book(event, late, o, metadata, listener);
            });
        } catch (RuntimeException e) {
            // Thrown before the record was queued (closed producer, serialization, interrupted): never written.
            LOG.debugf("send failed before queueing: %s", e);
            book(event, late, Outcome.FAILED, null, listener);
        } finally {
            inSend[0] = false;
        }
    }

    private void book(ClickEvent event, boolean late, Outcome o, RecordMetadata metadata, Listener listener) {
        boolean offset = o == Outcome.ACKED && metadata != null && metadata.hasOffset();
        ledger.answered(event.eventTime(), event.pageId(), late, o, offset ? metadata.partition() : -1,
                offset ? metadata.offset() : -1);
        stats.answered(o, late);
        if (listener != null) {
            listener.answered(o, metadata);
        }
    }

    /** Errors the broker or client raise only for a record that was not written. */
    static boolean definitelyNotWritten(Exception e) {
        return e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException
                || e instanceof InvalidTopicException || e instanceof AuthorizationException
                || e instanceof SerializationException;
    }

    /** Waits for every queued send to be answered, then closes the producer. */
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (landing != null) {
                landing.close();
            } else {
                producer.close(maxAnswerTime());
            }
        }
    }

    public String topic() {
        return topic;
    }
}
