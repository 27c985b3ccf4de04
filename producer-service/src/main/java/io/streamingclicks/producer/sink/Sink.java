package io.streamingclicks.producer.sink;

import io.streamingclicks.contract.ClickEvent;
import io.streamingclicks.producer.ledger.LedgerWriter;
import io.streamingclicks.producer.send.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where this run's events go, and what that means for its ledger: the topic ({@link KafkaSink}) or landing files
 * ({@link LandingSink}). Chosen once at start-up from {@code PRODUCER_SINK} ({@link Sinks}); nothing downstream asks
 * which one it has.
 */
public interface Sink {

    /**
     * How long any sink may leave a send unanswered: the Kafka producer's delivery timeout plus its max block, with a
     * margin (a landing file is renamed, or given up, within its one-second roll).
     */
    Duration MAX_ANSWER_TIME = Duration.ofSeconds(30 + 5 + 5);

    /** Told exactly once per event what became of it; {@code partition} and {@code offset} are -1 unless known. */
    @FunctionalInterface
    interface Answer {
        void answered(Outcome outcome, int partition, long offset);
    }

    /**
     * Begins this run, before anything is sent: opens its ledger file in {@code ledgerDir} with the lines this sink's
     * recovery needs, books what a killed previous run delivered but never wrote down, and gets ready to send.
     */
    LedgerWriter begin(Path ledgerDir, long runStartMs);

    /** Hands one event (and its contract JSON) over; {@code answer} is told on whichever thread learns the outcome. */
    void send(ClickEvent event, String json, boolean late, Answer answer);

    /**
     * The newest event time this sink already holds from earlier runs (or anyone else), found cheaply; empty when
     * there is none or it cannot be told quickly. Asked once at start-up, before anything is sent.
     */
    Optional<Instant> newestEventTime();

    /** Waits until every event handed over is answered, then lets go of its resources. */
    void close();
}
