package io.streamingclicks.job.options;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.contract.Durations;
import io.streamingclicks.contract.OutputFormat;
import io.streamingclicks.contract.UvPrecision;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The job's options, read from the command line ({@code --window 5m} or {@code --window=5m}) over the environment over
 * the defaults of {@link JobOption}, and checked once here so the job never starts half-configured.
 */
public record JobOptions(
        String bootstrapServers,
        String topic,
        DataRoot dataRoot,
        String outputRoot,
        String checkpointRoot,
        Duration window,
        Duration watermark,
        double uvRsd,
        String startingOffsets,
        long maxOffsetsPerTrigger,
        int kafkaMinPartitions,
        Duration trigger,
        Duration windowsTrigger,
        OutputFormat format,
        Duration compactEvery,
        Duration snapshotRetention,
        Duration maxFutureSkew,
        Set<String> sinks,
        boolean console,
        long progressMaxBytes,
        String master,
        String source,
        int topn) {

    /** The sinks {@code --sinks} chooses from: every sink of the data root but Top-N, which {@code --topn} turns on. */
    public static final List<String> SINK_NAMES = Arrays.stream(DataRoot.Sink.values())
            .filter(s -> s != DataRoot.Sink.TOPN).map(DataRoot.Sink::dir).toList();
    public static final List<String> SOURCES = List.of("kafka", "files");
    /** The first argument that runs the tables' maintenance instead of the job. */
    public static final String COMPACT = "compact";
    /** The ingest trigger of the Parquet format: a file per output and batch, no commit metadata to grow. */
    public static final Duration PARQUET_TRIGGER = Duration.ofSeconds(5);
    /**
     * The ingest trigger of the Iceberg format: each batch that writes rows is a commit (a snapshot, a manifest, a
     * new metadata.json) of events and perhaps quarantine; docs/iceberg.md weighs commits against delay.
     */
    public static final Duration ICEBERG_TRIGGER = Duration.ofSeconds(30);

    /** @throws UsageException naming the bad option and the accepted values */
    public static JobOptions parse(String[] args, Map<String, String> env) {
        Map<JobOption, String> values = new EnumMap<>(JobOption.class);
        for (JobOption o : JobOption.values()) {
            String v = env.get(o.env());
            values.put(o, v == null || v.isBlank() ? o.defaultValue() : v.strip());
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "': options start with --");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            JobOption option = byFlag(name);
            if (value == null) {
                if (option == JobOption.CONSOLE && (i + 1 == args.length || args[i + 1].startsWith("--"))) {
                    value = "true";
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new UsageException("option --" + name + " needs a value");
                }
            }
            values.put(option, value.strip());
        }
        return from(values);
    }

    private static JobOption byFlag(String flag) {
        for (JobOption o : JobOption.values()) {
            if (o.flag().equals(flag)) {
                return o;
            }
        }
        throw new UsageException("unknown option --" + flag);
    }

    private static JobOptions from(Map<JobOption, String> v) {
        try {
            DataRoot root = DataRoot.of(v.get(JobOption.DATA_DIR));
            String outputRoot = v.get(JobOption.OUTPUT_ROOT).isBlank()
                    ? root.resolve(DataRoot.PARQUET) : stripSlash(v.get(JobOption.OUTPUT_ROOT));
            String checkpointRoot = v.get(JobOption.CHECKPOINT_ROOT).isBlank()
                    ? root.resolve(DataRoot.CHECKPOINTS) : stripSlash(v.get(JobOption.CHECKPOINT_ROOT));
            OutputFormat format = format(v.get(JobOption.FORMAT));
            Duration trigger = v.get(JobOption.TRIGGER).isBlank()
                    ? (format == OutputFormat.ICEBERG ? ICEBERG_TRIGGER : PARQUET_TRIGGER)
                    : Durations.parsePositive(JobOption.TRIGGER.env(), v.get(JobOption.TRIGGER));
            Duration windowsTrigger = v.get(JobOption.WINDOWS_TRIGGER).isBlank() ? trigger
                    : Durations.parsePositive(JobOption.WINDOWS_TRIGGER.env(), v.get(JobOption.WINDOWS_TRIGGER));
            JobOptions o = new JobOptions(
                    required(JobOption.BOOTSTRAP_SERVERS, v),
                    required(JobOption.TOPIC, v),
                    root, outputRoot, checkpointRoot,
                    Durations.parsePositive(JobOption.WINDOW.env(), v.get(JobOption.WINDOW)),
                    nonNegative(JobOption.WATERMARK, v),
                    rsd(v.get(JobOption.UV_RSD)),
                    required(JobOption.STARTING_OFFSETS, v),
                    nonNegativeLong(JobOption.MAX_OFFSETS_PER_TRIGGER, v.get(JobOption.MAX_OFFSETS_PER_TRIGGER)),
                    (int) Math.min(nonNegativeLong(JobOption.KAFKA_MIN_PARTITIONS,
                            v.get(JobOption.KAFKA_MIN_PARTITIONS)), Integer.MAX_VALUE),
                    trigger,
                    windowsTrigger,
                    format,
                    nonNegative(JobOption.COMPACT_EVERY, v),
                    nonNegative(JobOption.SNAPSHOT_RETENTION, v),
                    Durations.parsePositive(JobOption.MAX_FUTURE_SKEW.env(), v.get(JobOption.MAX_FUTURE_SKEW)),
                    sinks(v.get(JobOption.SINKS)),
                    bool(JobOption.CONSOLE, v.get(JobOption.CONSOLE)),
                    positiveLong(JobOption.PROGRESS_MAX_BYTES, v.get(JobOption.PROGRESS_MAX_BYTES)),
                    v.get(JobOption.MASTER),
                    source(v.get(JobOption.SOURCE)),
                    (int) Math.min(nonNegativeLong(JobOption.TOPN, v.get(JobOption.TOPN)), 1000));
            if (o.topn() > 0 && !o.writes(DataRoot.Sink.EVENTS)) {
                throw new UsageException("--topn (JOB_TOPN) needs the events sink in --sinks (JOB_SINKS): the"
                        + " windowed query reads the committed events");
            }
            return o;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static OutputFormat format(String text) {
        try {
            return OutputFormat.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--format: " + e.getMessage());
        }
    }

    private static String required(JobOption o, Map<JobOption, String> v) {
        String s = v.get(o);
        if (s == null || s.isBlank()) {
            throw new UsageException("--" + o.flag() + " (" + o.env() + ") must not be empty");
        }
        return s;
    }

    private static Duration nonNegative(JobOption o, Map<JobOption, String> v) {
        Duration d = Durations.parse(o.env(), v.get(o));
        if (d.isNegative()) {
            throw new UsageException("--" + o.flag() + " (" + o.env() + ") must not be negative, got " + v.get(o));
        }
        return d;
    }

    private static double rsd(String text) {
        double d;
        try {
            d = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new UsageException("--uv-rsd (UV_RSD) must be a number in [" + UvPrecision.MIN_RSD + ", "
                    + UvPrecision.MAX_RSD + "], got '" + text + "'");
        }
        // The window sketch has 2^lgK registers; Spark's hll_sketch_agg takes lgK 4..21, which is this range.
        if (!(d >= UvPrecision.MIN_RSD && d <= UvPrecision.MAX_RSD)) {
            throw new UsageException("--uv-rsd (UV_RSD) must be in [" + UvPrecision.MIN_RSD + ", "
                    + UvPrecision.MAX_RSD + "] (the window sketch's lgK 4..21), got " + text
                    + (d > UvPrecision.MAX_RSD && d <= 0.39 ? "; values up to 0.39 were accepted by the previous"
                    + " version, whose HLL++ allowed them" : ""));
        }
        return d;
    }

    private static long nonNegativeLong(JobOption o, String text) {
        try {
            long n = Long.parseLong(text);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the usage message
        }
        throw new UsageException("--" + o.flag() + " (" + o.env() + ") must be a whole number >= 0, got '" + text + "'");
    }

    private static long positiveLong(JobOption o, String text) {
        long n = nonNegativeLong(o, text);
        if (n == 0) {
            throw new UsageException("--" + o.flag() + " (" + o.env() + ") must be > 0");
        }
        return n;
    }

    private static boolean bool(JobOption o, String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new UsageException("--" + o.flag() + " (" + o.env() + ") must be true or false, got '"
                    + text + "'");
        };
    }

    private static Set<String> sinks(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : text.split(",")) {
            String name = s.strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!SINK_NAMES.contains(name)) {
                throw new UsageException("--sinks (JOB_SINKS) names unknown sink '" + name + "'; known: "
                        + String.join(",", SINK_NAMES));
            }
            out.add(name);
        }
        if (out.isEmpty()) {
            throw new UsageException("--sinks (JOB_SINKS) must name at least one sink of " + SINK_NAMES);
        }
        if ((out.contains(DataRoot.Sink.UV.dir()) || out.contains(DataRoot.Sink.PV.dir()))
                && !out.contains(DataRoot.Sink.EVENTS.dir())) {
            throw new UsageException("--sinks (JOB_SINKS) names uv or pv without events: the windowed query reads"
                    + " the committed events, so events must be written too; got " + text);
        }
        return Set.copyOf(out);
    }

    private static String source(String text) {
        String s = text.toLowerCase(Locale.ROOT);
        if (!SOURCES.contains(s)) {
            throw new UsageException("--source (JOB_SOURCE) must be one of " + SOURCES + ", got '" + text + "'");
        }
        return s;
    }

    /** True when the outputs are Iceberg tables in {@code DATA_DIR/warehouse} rather than Parquet directories. */
    public boolean iceberg() {
        return format == OutputFormat.ICEBERG;
    }

    /**
     * True when the job compacts its tables on a thread of its own ({@code --compact-every} above zero): only the
     * Iceberg format has tables to compact.
     */
    public boolean compactsInJob() {
        return iceberg() && !compactEvery.isZero();
    }

    /** True when events are read from JSON-lines files under {@code DATA_DIR/landing} instead of Kafka. */
    public boolean fromFiles() {
        return "files".equals(source);
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") && s.length() > 1 ? s.substring(0, s.length() - 1) : s;
    }

    public String output(String sink) {
        return outputRoot + "/" + sink;
    }

    public String checkpoint(String sink) {
        return checkpointRoot + "/" + sink;
    }

    public String output(DataRoot.Sink sink) {
        return output(sink.dir());
    }

    public String checkpoint(DataRoot.Query query) {
        return checkpoint(query.dir());
    }

    /** Whether the job writes {@code sink}: one of {@link #sinks()}, or Top-N when {@link #topn()} is above 0. */
    public boolean writes(DataRoot.Sink sink) {
        return sink == DataRoot.Sink.TOPN ? topn > 0 : sinks.contains(sink.dir());
    }

    /** The window sketch's size: {@code 2^lgK} registers ({@link UvPrecision#lgK}). */
    public int lgK() {
        return UvPrecision.lgK(uvRsd);
    }

    /** The usage text: every option with its environment variable and default. */
    public static String usage() {
        StringBuilder b = new StringBuilder();
        b.append("usage: java -jar spark-job.jar [--option value]...\n")
                .append("       spark-submit --class io.streamingclicks.job.Main spark-job.jar [--option value]...\n")
                .append("       java -jar spark-job.jar " + COMPACT + " [--option value]...\n")
                .append("The first runs the job. '" + COMPACT + "' runs the Iceberg tables' maintenance once and exits"
                        + " (make compact; safe while the job streams, docs/iceberg.md): rewrites small data files,"
                        + " expires snapshots older than --snapshot-retention but what the job still needs, removes"
                        + " orphan files; it reads --data-dir, --checkpoint-root and --snapshot-retention.\n")
                .append("Each option may also be set by its environment variable; the command line wins.\n\n");
        List<String[]> rows = new ArrayList<>();
        for (JobOption o : JobOption.values()) {
            rows.add(new String[] {"--" + o.flag(), o.env(), o.defaultValue().isEmpty() ? "-" : o.defaultValue(),
                    o.description()});
        }
        for (String[] r : rows) {
            b.append(String.format("  %-26s %-28s %-26s %s%n", r[0], r[1], r[2], r[3]));
        }
        return b.toString();
    }
}
