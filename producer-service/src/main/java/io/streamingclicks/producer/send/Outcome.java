package io.streamingclicks.producer.send;

/** What became of one send: acknowledged by {@code acks=all}, in doubt (may or may not be in Kafka), or failed. */
public enum Outcome {
    ACKED, IN_DOUBT, FAILED
}
