package io.streamingclicks.contract;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The contract's values: the defaults of the shared settings, the topic's shape, the sinks and the ports of the stack.
 * Each is written once, in {@code contract.properties} next to this class, which the Makefile includes too.
 */
public final class Defaults {

    /** Tumbling window size: {@link Setting#WINDOW_DURATION}'s default, as written. */
    static final String WINDOW_TEXT = ContractFile.text("CONTRACT_WINDOW_DURATION");
    /** Watermark delay: {@link Setting#WATERMARK_DELAY}'s default, as written. */
    static final String WATERMARK_TEXT = ContractFile.text("CONTRACT_WATERMARK_DELAY");
    /** {@link Setting#UV_RSD}'s default, as written. */
    static final String UV_RSD_TEXT = ContractFile.text("CONTRACT_UV_RSD");

    /** Tumbling window size: {@link Setting#WINDOW_DURATION}'s default. */
    public static final Duration WINDOW = Durations.parsePositive("CONTRACT_WINDOW_DURATION", WINDOW_TEXT);
    /** Watermark delay: {@link Setting#WATERMARK_DELAY}'s default. */
    public static final Duration WATERMARK = Durations.parse("CONTRACT_WATERMARK_DELAY", WATERMARK_TEXT);
    /**
     * How far an event's time may lie after its record's Kafka timestamp before the job quarantines it: one
     * future-dated event would otherwise pin the watermark and make every later event late. The producer refuses
     * burst offsets beyond it.
     */
    public static final Duration MAX_FUTURE_SKEW =
            Durations.parsePositive("CONTRACT_MAX_FUTURE_SKEW", ContractFile.text("CONTRACT_MAX_FUTURE_SKEW"));
    /** Relative standard deviation of the UV sketch: {@link Setting#UV_RSD}'s default. */
    public static final double UV_RSD = ContractFile.decimal("CONTRACT_UV_RSD");

    public static final int PRODUCER_PORT = ContractFile.integer("CONTRACT_PRODUCER_PORT");
    public static final int VALIDATOR_PORT = ContractFile.integer("CONTRACT_VALIDATOR_PORT");
    /** Client ports of the three local brokers, node 1..3. */
    public static final int[] KAFKA_PORTS = ContractFile.integers("CONTRACT_KAFKA_PORTS");
    /** KRaft controller ports of the three local brokers, node 1..3. */
    public static final int[] KAFKA_CONTROLLER_PORTS = ContractFile.integers("CONTRACT_KAFKA_CONTROLLER_PORTS");
    /** The local brokers' address: {@link Setting#KAFKA_BOOTSTRAP_SERVERS}'s default. */
    public static final String KAFKA_BOOTSTRAP_SERVERS =
            Arrays.stream(KAFKA_PORTS).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));

    /** {@link Setting#KAFKA_TOPIC}'s default. */
    public static final String TOPIC = ContractFile.text("CONTRACT_KAFKA_TOPIC");
    public static final int TOPIC_PARTITIONS = ContractFile.integer("CONTRACT_TOPIC_PARTITIONS");
    public static final short TOPIC_REPLICATION_FACTOR =
            (short) ContractFile.integer("CONTRACT_TOPIC_REPLICATION_FACTOR");
    public static final int TOPIC_MIN_INSYNC_REPLICAS = ContractFile.integer("CONTRACT_TOPIC_MIN_INSYNC_REPLICAS");

    /** {@link Setting#DATA_DIR}'s default. */
    public static final String DATA_DIR = ContractFile.text("CONTRACT_DATA_DIR");
    /** The data root's sink directories, in {@link DataRoot.Sink}'s order. */
    public static final List<String> SINKS = ContractFile.list("CONTRACT_SINKS");
    /** The job's streaming queries (their checkpoint directories), in {@link DataRoot.Query}'s order. */
    public static final List<String> QUERIES = ContractFile.list("CONTRACT_QUERIES");

    private Defaults() {
    }
}
