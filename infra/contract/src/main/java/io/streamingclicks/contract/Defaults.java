package io.streamingclicks.contract;

import java.time.Duration;

/** Defaults that are part of the contract but not environment settings, and the ports of the stack. */
public final class Defaults {

    /** Tumbling window size: {@link Setting#WINDOW_DURATION}'s default. */
    public static final Duration WINDOW = Duration.ofMinutes(5);
    /** Watermark delay: {@link Setting#WATERMARK_DELAY}'s default. */
    public static final Duration WATERMARK = Duration.ofMinutes(5);
    /**
     * How far an event's time may lie after its record's Kafka timestamp before the job quarantines it: one
     * future-dated event would otherwise pin the watermark and make every later event late. The producer refuses
     * burst offsets beyond it.
     */
    public static final Duration MAX_FUTURE_SKEW = Duration.ofMinutes(10);
    /** Relative standard deviation of the UV sketch: {@link Setting#UV_RSD}'s default. */
    public static final double UV_RSD = 0.01;

    public static final int PRODUCER_PORT = 8081;
    public static final int VALIDATOR_PORT = 8082;
    /** Client ports of the three local brokers, as the second seed has them. */
    public static final int[] KAFKA_PORTS = {9092, 9093, 9094};
    public static final int TOPIC_PARTITIONS = 3;
    public static final short TOPIC_REPLICATION_FACTOR = 3;
    public static final int TOPIC_MIN_INSYNC_REPLICAS = 2;

    private Defaults() {
    }
}
