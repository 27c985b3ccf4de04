package io.streamingclicks.job.options;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.contract.Defaults;
import io.streamingclicks.contract.Setting;

/**
 * Every option of the job: its command-line flag, the environment variable that sets it, its default and what it
 * means. The contract's {@link Setting}s keep their interface names; the job's own options are named {@code JOB_*}.
 * A command-line option overrides the environment, which overrides the default.
 */
public enum JobOption {
    BOOTSTRAP_SERVERS("bootstrap-servers", Setting.KAFKA_BOOTSTRAP_SERVERS),
    TOPIC("topic", Setting.KAFKA_TOPIC),
    DATA_DIR("data-dir", Setting.DATA_DIR),
    WINDOW("window", Setting.WINDOW_DURATION),
    WATERMARK("watermark", Setting.WATERMARK_DELAY),
    UV_RSD("uv-rsd", Setting.UV_RSD),
    OUTPUT_ROOT("output-root", "JOB_OUTPUT_ROOT", "",
            "where the sinks write, one directory per sink (default: DATA_DIR/parquet)"),
    CHECKPOINT_ROOT("checkpoint-root", "JOB_CHECKPOINT_ROOT", "",
            "where the checkpoints live, one per query: ingest and windows (default: DATA_DIR/chk)"),
    STARTING_OFFSETS("starting-offsets", "JOB_STARTING_OFFSETS", "earliest",
            "Kafka offsets a NEW checkpoint starts from: earliest, latest or Spark's JSON form; a checkpoint resumes"),
    MAX_OFFSETS_PER_TRIGGER("max-offsets-per-trigger", "JOB_MAX_OFFSETS_PER_TRIGGER", "0",
            "cap on Kafka records per micro-batch of the ingest query, 0 = no cap"),
    KAFKA_MIN_PARTITIONS("kafka-min-partitions", "JOB_KAFKA_MIN_PARTITIONS", "0",
            "at least this many read tasks per ingest batch (Spark's minPartitions splits a topic partition's"
                    + " offsets), 0 = one task per topic partition"),
    FORMAT("format", Setting.OUTPUT_FORMAT),
    COMPACT_EVERY("compact-every", Setting.ICEBERG_COMPACT_INTERVAL),
    SNAPSHOT_RETENTION("snapshot-retention", Setting.ICEBERG_SNAPSHOT_RETENTION),
    TRIGGER("trigger", "JOB_TRIGGER_INTERVAL", "",
            "micro-batch trigger interval of the ingest query, ISO-8601 or '5 seconds' (default: "
                    + JobOptions.PARQUET_TRIGGER + " for parquet, " + JobOptions.ICEBERG_TRIGGER
                    + " for iceberg, docs/iceberg.md)"),
    WINDOWS_TRIGGER("windows-trigger", "JOB_WINDOWS_TRIGGER_INTERVAL", "",
            "micro-batch trigger interval of the windows query (default: the ingest query's)"),
    MAX_FUTURE_SKEW("max-future-skew", "JOB_MAX_FUTURE_SKEW", Defaults.MAX_FUTURE_SKEW.toString(),
            "an event_time further than this after its record's Kafka timestamp is quarantined"),
    SINKS("sinks", "JOB_SINKS", String.join(",", JobOptions.SINK_NAMES),
            "which sinks to run, comma separated (" + String.join(", ", JobOptions.SINK_NAMES) + ")"),
    CONSOLE("console", "JOB_CONSOLE", "false",
            "also print UV and PV per sealed window and the running clicks per user to stdout (true/false)"),
    PROGRESS_MAX_BYTES("progress-max-bytes", "JOB_PROGRESS_MAX_BYTES", "10000000",
            "size past which progress/<query>.jsonl is rolled to <query>.jsonl.1"),
    SOURCE("source", "JOB_SOURCE", "kafka",
            "where events come from: kafka (the topic) or files (JSON lines under DATA_DIR/landing)"),
    TOPN("topn", "JOB_TOPN", "0",
            "also write the Top-N pages of each sealed window to " + DataRoot.PARQUET + "/" + DataRoot.Sink.TOPN.dir()
                    + ", 0 = off"),
    MASTER("master", "JOB_MASTER", "",
            "Spark master when not set by spark-submit (default local[2])");

    private final String flag;
    private final String env;
    private final String defaultValue;
    private final String description;

    JobOption(String flag, Setting setting) {
        this(flag, setting.name(), setting.defaultValue(), setting.description());
    }

    JobOption(String flag, String env, String defaultValue, String description) {
        this.flag = flag;
        this.env = env;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String flag() {
        return flag;
    }

    public String env() {
        return env;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }
}
