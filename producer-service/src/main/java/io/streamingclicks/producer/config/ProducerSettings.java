package io.streamingclicks.producer.config;

import io.streamingclicks.contract.Defaults;
import io.streamingclicks.contract.Durations;
import io.streamingclicks.contract.Setting;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Reads the producer's start-up settings through MicroProfile Config under their contract names
 * ({@code PRODUCER_RATE}, {@code KAFKA_TOPIC}, ...), so an environment variable, a system property or
 * {@code application.properties} sets them; an absent value takes the contract's default ({@link Setting}).
 */
@ApplicationScoped
public class ProducerSettings {

    private final Config config = ConfigProvider.getConfig();

    public String bootstrapServers() {
        // KAFKA_BOOTSTRAP_SERVERS is the stack's name; kafka.bootstrap.servers is what Quarkus test resources set.
        return config.getOptionalValue(Setting.KAFKA_BOOTSTRAP_SERVERS.name(), String.class)
                .or(() -> config.getOptionalValue("kafka.bootstrap.servers", String.class))
                .orElse(Setting.KAFKA_BOOTSTRAP_SERVERS.defaultValue());
    }

    public String topic() {
        return text(Setting.KAFKA_TOPIC);
    }

    public String dataDir() {
        return text(Setting.DATA_DIR);
    }

    public double rate() {
        return number(Setting.PRODUCER_RATE, 0, 1_000_000);
    }

    public Duration backfill() {
        Duration d = Durations.parse(Setting.PRODUCER_BACKFILL.name(), text(Setting.PRODUCER_BACKFILL));
        if (d.isNegative()) {
            throw new IllegalArgumentException("PRODUCER_BACKFILL must be zero or positive (how far back the event"
                    + " clock starts), got " + d);
        }
        return d;
    }

    public double speed() {
        return number(Setting.PRODUCER_SPEED, 1, 10_000);
    }

    public double lateFraction() {
        return number(Setting.PRODUCER_LATE_FRACTION, 0, 1);
    }

    public Duration lateOffset() {
        Duration d = Durations.parse(Setting.PRODUCER_LATE_OFFSET.name(), text(Setting.PRODUCER_LATE_OFFSET));
        if (d.compareTo(Duration.ofHours(-24)) < 0 || d.compareTo(Duration.ZERO) > 0) {
            throw new IllegalArgumentException("PRODUCER_LATE_OFFSET must lie in -PT24H..PT0S, got " + d);
        }
        return d;
    }

    /** The job's window size, used only to tell a burst's caller which windows its events fall in. */
    public Duration window() {
        return Durations.parsePositive(Setting.WINDOW_DURATION.name(), text(Setting.WINDOW_DURATION));
    }

    /** How far into the future a burst may be shifted: the job quarantines anything further. */
    public Duration maxFutureSkew() {
        return Defaults.MAX_FUTURE_SKEW;
    }

    public int users() {
        return config.getOptionalValue("PRODUCER_USERS", Integer.class).orElse(1000);
    }

    public int pages() {
        return config.getOptionalValue("PRODUCER_PAGES", Integer.class).orElse(50);
    }

    public double skew() {
        return config.getOptionalValue("PRODUCER_SKEW", Double.class).orElse(1.1);
    }

    public int maxBurst() {
        return config.getOptionalValue("PRODUCER_MAX_BURST", Integer.class).orElse(100_000);
    }

    /** Kafka compression of record batches: none, gzip, snappy, lz4 or zstd. */
    public String compression() {
        String c = config.getOptionalValue("PRODUCER_COMPRESSION", String.class).orElse("lz4").strip();
        if (!java.util.Set.of("none", "gzip", "snappy", "lz4", "zstd").contains(c)) {
            throw new IllegalArgumentException("PRODUCER_COMPRESSION must be one of none, gzip, snappy, lz4, zstd;"
                    + " got '" + c + "'");
        }
        return c;
    }

    /**
     * Where events go: {@code kafka} (the topic) or {@code landing} (JSON-lines files rolled every second into
     * {@code DATA_DIR/landing}, for the job's {@code --source files}).
     */
    public String sink() {
        String s = config.getOptionalValue("PRODUCER_SINK", String.class).orElse(SINK_KAFKA).strip();
        if (!java.util.Set.of(SINK_KAFKA, SINK_LANDING).contains(s)) {
            throw new IllegalArgumentException("PRODUCER_SINK must be kafka or landing; got '" + s + "'");
        }
        return s;
    }

    public static final String SINK_KAFKA = "kafka";
    public static final String SINK_LANDING = "landing";

    /**
     * Landing mode: how old a landing file must be before it may be deleted (only once it is booked in the ledger and
     * the job's ingest query has read it in a committed batch); empty (unset, blank or {@code off}, the
     * default): never delete.
     */
    public java.util.Optional<Duration> landingRetention() {
        return config.getOptionalValue(LANDING_RETENTION, String.class).map(String::strip)
                .filter(v -> !v.isEmpty() && !v.equalsIgnoreCase("off"))
                .map(v -> Durations.parsePositive(LANDING_RETENTION, v));
    }

    public static final String LANDING_RETENTION = "PRODUCER_LANDING_RETENTION";

    public boolean autostart() {
        return config.getOptionalValue("PRODUCER_AUTOSTART", Boolean.class).orElse(true);
    }

    /** A contract setting's text as given, or its default: what {@code ClickTruth.fromSettings} reads. */
    public String value(Setting s) {
        return text(s);
    }

    private String text(Setting s) {
        return config.getOptionalValue(s.name(), String.class).filter(v -> !v.isBlank()).map(String::strip)
                .orElse(s.defaultValue());
    }

    private double number(Setting s, double min, double max) {
        String v = text(s);
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s.name() + " must be a number in " + min + ".." + max + ", got '" + v + "'");
        }
        if (!(d >= min && d <= max)) {
            throw new IllegalArgumentException(s.name() + " must be a number in " + min + ".." + max + ", got '" + v + "'");
        }
        return d;
    }
}
