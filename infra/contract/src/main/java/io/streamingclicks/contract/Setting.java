package io.streamingclicks.contract;

import java.util.Map;

/**
 * The settings users and the compose file set, by environment name, each with its default. These names are an
 * interface (docs/interfaces.md): add, don't rename. Services read them through {@link #from(Map)} or their own config layer
 * with the same name and default; {@code make run} passes them through unchanged.
 */
public enum Setting {
    // The defaults shared with the Makefile come from the contract file, through Defaults.
    KAFKA_BOOTSTRAP_SERVERS(Defaults.KAFKA_BOOTSTRAP_SERVERS, "Kafka bootstrap servers, comma separated"),
    KAFKA_TOPIC(Defaults.TOPIC, "topic the producer writes and the job reads"),
    DATA_DIR(Defaults.DATA_DIR, "data root: a local path or any Hadoop URI (hdfs://, s3a://); layout in DataRoot"),
    WINDOW_DURATION(Defaults.WINDOW_TEXT, "tumbling event-time window, ISO-8601 (PT5M) or '5 minutes'"),
    WATERMARK_DELAY(Defaults.WATERMARK_TEXT,
            "watermark delay behind the highest event time seen, ISO-8601 or '5 minutes'"),
    UV_RSD(Defaults.UV_RSD_TEXT,
            "target relative standard error of UV, 0.001..0.26: sets the window sketch's lgK (UvPrecision),"
                    + " 0.01 gives lgK 14, sigma ~0.81%"),
    OUTPUT_FORMAT("parquet", "how the job stores its outputs: parquet (folders of Parquet files, each with its"
            + " _spark_metadata) or iceberg (Iceberg tables in DATA_DIR/warehouse, see Warehouse)"),
    ICEBERG_SNAPSHOT_RETENTION("PT6H", "with OUTPUT_FORMAT=iceberg: how long snapshots stay readable (time travel,"
            + " /api/topn?asOf=) before compaction expires them; the newest snapshot of each streaming query and what"
            + " a streaming reader still needs are kept longer"),
    ICEBERG_COMPACT_INTERVAL("PT1H", "with OUTPUT_FORMAT=iceberg: how often the job compacts its tables (rewrite small"
            + " files, expire snapshots, remove orphan files) on a thread of its own; PT0S turns it off"),
    PRODUCER_RATE("20", "events per second the producer sends"),
    PRODUCER_BACKFILL("PT0S", "how far in the past the producer's event clock starts, e.g. PT1H"),
    PRODUCER_SPEED("1", "how many times faster than wall time the event clock runs until it reaches now"),
    PRODUCER_LATE_FRACTION("0", "fraction of events sent with event_time shifted by PRODUCER_LATE_OFFSET, 0..1"),
    PRODUCER_LATE_OFFSET("-PT8M", "shift of deliberately late events, a negative ISO-8601 duration"),
    PRODUCER_CLICK_MODEL("propensity", "how the producer draws clicks: propensity (a view of page p by user u is"
            + " followed by a click with probability sigmoid(a_u + b_p + gamma*r), parameters in ledger/truth.json)"
            + " or independent (every event's user, page and action drawn independently)"),
    PRODUCER_CLICK_SEED("1", "propensity model: the seed that, with a user or page id, fixes a_u and b_p (ClickTruth),"
            + " any 64-bit integer"),
    PRODUCER_CLICK_USER_SPREAD("1.0", "propensity model: standard deviation of the users' propensity a_u, 0..3"),
    PRODUCER_CLICK_PAGE_SPREAD("1.0", "propensity model: standard deviation of the pages' attractiveness b_p, 0..3"),
    PRODUCER_CLICK_GAMMA("1.0", "propensity model: gamma, added to the logit when the user viewed the page in the"
            + " revisit window before, -5..5"),
    PRODUCER_CLICK_BASE(ClickTruth.AUTO, "propensity model: the logit's base offset, -20..20, or auto: calibrated at"
            + " first start so the clicks per view match the default action mix"),
    PRODUCER_CLICK_DELAY_MIN("PT1S", "propensity model: shortest time from a view to its click, PT0.001S..PT5M"),
    PRODUCER_CLICK_DELAY_MAX("PT10S", "propensity model: longest time from a view to its click,"
            + " PRODUCER_CLICK_DELAY_MIN..PT5M"),
    PRODUCER_CLICK_REVISIT_WINDOW("PT30M", "propensity model: a view is a revisit (r = 1) when the user viewed the"
            + " page within this much event time before, PT1S..PT24H");

    private final String defaultValue;
    private final String description;

    Setting(String defaultValue, String description) {
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** The value in {@code env}, or the default when it is absent or blank. */
    public String from(Map<String, String> env) {
        String v = env.get(name());
        return v == null || v.isBlank() ? defaultValue : v.strip();
    }

    /** The value in this process's environment, or the default. */
    public String get() {
        return from(System.getenv());
    }
}
