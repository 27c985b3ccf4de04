package io.streamingclicks.contract;

import java.util.List;

/**
 * The layout of the data root ({@link Setting#DATA_DIR}): one output directory per sink, one checkpoint per streaming
 * query, never shared, never moved apart; plus {@code progress/}, {@code ledger/}, {@code landing/} and the
 * validator's database. The root is a local path or any Hadoop URI, so paths are built as strings joined with '/'.
 *
 * <pre>
 * parquet/{uv,pv,events,quarantine,topn}   committed output, each with its own _spark_metadata
 * parquet/samples, parquet/features/{user,page,user_page}
 *                                          training samples and features (make samples), an hour replaced at a time
 * warehouse/                               the same outputs as Iceberg tables (OUTPUT_FORMAT=iceberg, Warehouse)
 * chk/ingest                               the ingest query: Kafka (or landing/) -> events, quarantine
 * chk/windows                              the windowed query: committed events -> uv, pv, topn
 * progress/                                job progress, JSON lines
 * ledger/                                  producer ground truth: the ledger, truth.json (ClickTruth)
 * landing/                                 JSONL input of the file-source variant
 * validator.duckdb                         DQ history
 * </pre>
 */
public final class DataRoot {

    /**
     * A sink: its output is {@code parquet/<dir>}, written by one {@link Query}. The directory names come from the
     * contract file ({@code CONTRACT_SINKS}, which the Makefile reads too), in this order.
     */
    public enum Sink {
        UV, PV, EVENTS, QUARANTINE, TOPN;

        private final String dir;

        Sink() {
            this.dir = dirOf("CONTRACT_SINKS", Defaults.SINKS, this);
        }

        /** The sink's directory name under {@code parquet/}. */
        public String dir() {
            return dir;
        }

        /** The query that writes this sink. */
        public Query query() {
            return this == EVENTS || this == QUARANTINE ? Query.INGEST : Query.WINDOWS;
        }

        /** The sink whose directory is {@code dir}. */
        public static Sink ofDir(String dir) {
            for (Sink s : values()) {
                if (s.dir.equals(dir)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown sink '" + dir + "'; known: " + Defaults.SINKS);
        }
    }

    /**
     * A streaming query of the job, with its checkpoint {@code chk/<dir>}: {@link #INGEST} reads the topic (or the
     * landing files) once and writes events and quarantine; {@link #WINDOWS} reads the committed events and writes
     * uv, pv and topn of each sealed window from the same rows. Names from {@code CONTRACT_QUERIES}, in this order.
     */
    public enum Query {
        INGEST, WINDOWS;

        private final String dir;

        Query() {
            this.dir = dirOf("CONTRACT_QUERIES", Defaults.QUERIES, this);
        }

        /** The query's name (Spark's query name) and its checkpoint's directory name under {@code chk/}. */
        public String dir() {
            return dir;
        }

        /** The sinks this query writes, in {@link Sink}'s order. */
        public List<Sink> sinks() {
            return java.util.Arrays.stream(Sink.values()).filter(s -> s.query() == this).toList();
        }
    }

    /**
     * The directory name of {@code constant}, entry {@code ordinal} of the contract file's list {@code key}. The enum's
     * constants are code, the names are the file's: a renamed or reordered entry fails loud here.
     */
    private static String dirOf(String key, List<String> dirs, Enum<?> constant) {
        if (constant.ordinal() >= dirs.size() || !dirs.get(constant.ordinal()).equalsIgnoreCase(constant.name())) {
            throw new IllegalStateException(key + " in the contract file must name " + constant.name() + " as entry "
                    + (constant.ordinal() + 1) + ", got " + dirs);
        }
        return dirs.get(constant.ordinal());
    }

    /** Output is partitioned by time only, never by page or user: these columns, derived from the window start. */
    public static final List<String> PARTITION_COLUMNS = List.of("date", "hour");

    public static final String PARQUET = "parquet";
    public static final String CHECKPOINTS = "chk";
    public static final String PROGRESS = "progress";
    public static final String LEDGER = "ledger";
    public static final String LANDING = "landing";
    public static final String VALIDATOR_DB = "validator.duckdb";
    /** The file sink's commit log inside each output directory. */
    public static final String SPARK_METADATA = "_spark_metadata";

    private final String root;

    private DataRoot(String root) {
        this.root = root.endsWith("/") && root.length() > 1 ? root.substring(0, root.length() - 1) : root;
    }

    public static DataRoot of(String root) {
        if (root == null || root.isBlank()) {
            throw new IllegalArgumentException("DATA_DIR must name a directory or a Hadoop URI, got an empty value");
        }
        return new DataRoot(root.strip());
    }

    /** The root from {@link Setting#DATA_DIR} in this process's environment. */
    public static DataRoot fromEnvironment() {
        return of(Setting.DATA_DIR.get());
    }

    public String root() {
        return root;
    }

    public String output(Sink sink) {
        return resolve(PARQUET + "/" + sink.dir());
    }

    public String checkpoint(Query query) {
        return resolve(CHECKPOINTS + "/" + query.dir());
    }

    public String progress() {
        return resolve(PROGRESS);
    }

    public String ledger() {
        return resolve(LEDGER);
    }

    /** The generator's click model, {@code ledger/truth.json} ({@link ClickTruth}). */
    public String truth() {
        return resolve(LEDGER + "/" + ClickTruth.FILE);
    }

    public String landing() {
        return resolve(LANDING);
    }

    public String validatorDb() {
        return resolve(VALIDATOR_DB);
    }

    public String resolve(String relative) {
        return root + "/" + relative;
    }

    @Override
    public String toString() {
        return root;
    }
}
