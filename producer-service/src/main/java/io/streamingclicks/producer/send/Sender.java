package io.streamingclicks.producer.send;

import io.streamingclicks.contract.ClickEvent;
import io.streamingclicks.producer.config.ProducerSettings;
import io.streamingclicks.producer.ledger.Ledger;
import io.streamingclicks.producer.sink.Sink;
import io.streamingclicks.producer.stats.Stats;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Hands contract events to the service's {@link Sink} (the topic or landing files) and books each answer:
 * acknowledged, in doubt (it may have been written) or failed (it was not). Counts reach the ledger and the stats only
 * from the sink's answer; after {@link #close()} every send is booked as failed without reaching the sink.
 */
@ApplicationScoped
public class Sender {

    private static final Logger LOG = Logger.getLogger(Sender.class);

    /** Told of each send's outcome, on the thread that learnt it. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = o -> { };

        void answered(Outcome outcome);
    }

    @Inject
    ProducerSettings settings;
    @Inject
    Ledger ledger;
    @Inject
    Sink sink;
    @Inject
    Stats stats;

    private String topic;
    private volatile boolean closed;

    @PostConstruct
    void open() {
        topic = settings.topic();
        // Touches the ledger first: its start-up has the sink book a crashed previous run's sends and get ready.
        LOG.debugf("sending for run %s", ledger.runId());
    }

    /** Upper bound on how long a send can stay unanswered. */
    public Duration maxAnswerTime() {
        return Sink.MAX_ANSWER_TIME;
    }

    /** Sends one event of the stream; {@code late} marks a deliberately late one (the late fraction). */
    public void send(ClickEvent event, boolean late) {
        send(event, late, Listener.NONE);
    }

    /** Sends one event; {@code late} marks a deliberately late event (late fraction or burst). */
    public void send(ClickEvent event, boolean late, Listener listener) {
        String json = event.toJson();
        stats.sent(late, json.length());
        if (closed) {
            book(event, late, Outcome.FAILED, -1, -1, listener);
            return;
        }
        sink.send(event, json, late, (o, partition, offset) -> book(event, late, o, partition, offset, listener));
    }

    private void book(ClickEvent event, boolean late, Outcome o, int partition, long offset, Listener listener) {
        ledger.answered(event.eventTime(), event.pageId(), late, o, partition, offset);
        stats.answered(o, late);
        listener.answered(o);
    }

    /** Waits for every queued send to be answered, then closes the sink. */
    public synchronized void close() {
        if (!closed) {
            closed = true;
            sink.close();
        }
    }

    public String topic() {
        return topic;
    }
}
