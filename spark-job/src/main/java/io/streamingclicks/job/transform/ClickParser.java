package io.streamingclicks.job.transform;

import io.streamingclicks.contract.ClickEventContract;
import io.streamingclicks.contract.QuarantineReason;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.streamingclicks.contract.OutputColumns.DATE;
import static io.streamingclicks.contract.OutputColumns.HOUR;
import static io.streamingclicks.contract.OutputColumns.KAFKA_OFFSET;
import static io.streamingclicks.contract.OutputColumns.KAFKA_PARTITION;
import static io.streamingclicks.contract.OutputColumns.KAFKA_TIMESTAMP;
import static io.streamingclicks.contract.OutputColumns.QUARANTINE_COLUMNS;
import static io.streamingclicks.contract.OutputColumns.RAW;
import static io.streamingclicks.contract.OutputColumns.REASON;
import static io.streamingclicks.contract.OutputColumns.SOURCE_FILE;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

/**
 * Reads Kafka rows ({@code value, partition, offset, timestamp}), or the file source's rows shaped alike, and writes one row per record: the contract's event
 * fields (aliases coalesced, {@code event_time} a UTC TIMESTAMP), the Kafka coordinates, the raw payload and a
 * {@link QuarantineReason} code, null when the event is valid. Pure: a test runs it on a batch DataFrame.
 */
public final class ClickParser {

    /** Spark puts the text of a record that is not a JSON object here (PERMISSIVE mode). */
    static final String CORRUPT = "_corrupt_record";
    private static final String PARSED = "_parsed";
    /**
     * When the record reached the pipeline: the Kafka timestamp, or for the file source the batch's processing time.
     * The future-skew check and the quarantine's date/hour partitions use it.
     */
    public static final String RECEIVED = "_received";

    /** The columns of a valid event, in the order of {@code OutputColumns}' events schema. */
    public static final List<String> EVENT_COLUMNS = List.of(
            ClickEventContract.EVENT_ID, ClickEventContract.USER_ID, ClickEventContract.PAGE_ID,
            ClickEventContract.EVENT_TIME, ClickEventContract.ACTION, ClickEventContract.DURATION_MS,
            KAFKA_PARTITION, KAFKA_OFFSET, KAFKA_TIMESTAMP);

    private ClickParser() {
    }

    /**
     * The JSON schema, built from the contract's {@code SOURCE_KEYS}. Event times are read as text and converted
     * afterwards, so that a missing time and an unreadable one get different reasons; a JSON number in a string
     * field (the seed's {@code "user_id": 1001}) is read as its text.
     */
    public static StructType sourceSchema() {
        List<StructField> fields = new ArrayList<>();
        for (Map.Entry<String, ClickEventContract.Kind> e : ClickEventContract.SOURCE_KEYS.entrySet()) {
            fields.add(DataTypes.createStructField(e.getKey(),
                    e.getValue() == ClickEventContract.Kind.LONG ? DataTypes.LongType : DataTypes.StringType, true));
        }
        fields.add(DataTypes.createStructField(CORRUPT, DataTypes.StringType, true));
        return DataTypes.createStructType(fields);
    }

    /**
     * @param kafka rows with Kafka's source columns {@code value, partition, offset, timestamp}; rows from files
     *              also carry {@code source_file} and {@link #RECEIVED} (see {@code FileSource})
     * @param maxFutureSkew how far event_time may lie after the record's arrival ({@link #RECEIVED})
     */
    public static Dataset<Row> parse(Dataset<Row> kafka, Duration maxFutureSkew) {
        boolean fromFiles = hasColumn(kafka, SOURCE_FILE);
        List<Column> in = new ArrayList<>(List.of(
                col("value").cast("string").as(RAW),
                col("partition").as(KAFKA_PARTITION),
                col("offset").as(KAFKA_OFFSET),
                col("timestamp").as(KAFKA_TIMESTAMP),
                (hasColumn(kafka, RECEIVED) ? col(RECEIVED) : col("timestamp")).as(RECEIVED)));
        if (fromFiles) {
            in.add(col(SOURCE_FILE));
        }
        Dataset<Row> withJson = kafka.select(in.toArray(Column[]::new))
                .withColumn(PARSED, from_json(col(RAW), sourceSchema(),
                        Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT)));

        Column eventTimeText = canonical(ClickEventContract.EVENT_TIME);
        // A zone-less time means UTC: the session time zone is pinned to UTC (see SparkSessions).
        Column eventTime = eventTimeText.cast(DataTypes.TimestampType);
        Column skewLimit = col(RECEIVED).plus(
                expr("INTERVAL " + maxFutureSkew.toMillis() + " MILLISECONDS"));

        Column reason = when(col(RAW).isNull().or(col(PARSED).isNull())
                        .or(col(PARSED + "." + CORRUPT).isNotNull()),
                        lit(QuarantineReason.UNPARSEABLE_JSON.code()))
                .when(blank(canonical(ClickEventContract.USER_ID)), lit(QuarantineReason.MISSING_USER_ID.code()))
                .when(blank(canonical(ClickEventContract.PAGE_ID)), lit(QuarantineReason.MISSING_PAGE_ID.code()))
                .when(eventTimeText.isNull(), lit(QuarantineReason.MISSING_EVENT_TIME.code()))
                .when(eventTime.isNull(), lit(QuarantineReason.BAD_EVENT_TIME.code()))
                .when(eventTime.gt(skewLimit), lit(QuarantineReason.FUTURE_EVENT_TIME.code()));

        List<Column> out = new ArrayList<>(List.of(
                canonical(ClickEventContract.EVENT_ID).as(ClickEventContract.EVENT_ID),
                canonical(ClickEventContract.USER_ID).as(ClickEventContract.USER_ID),
                canonical(ClickEventContract.PAGE_ID).as(ClickEventContract.PAGE_ID),
                eventTime.as(ClickEventContract.EVENT_TIME),
                canonical(ClickEventContract.ACTION).as(ClickEventContract.ACTION),
                canonical(ClickEventContract.DURATION_MS).as(ClickEventContract.DURATION_MS),
                col(KAFKA_PARTITION), col(KAFKA_OFFSET), col(KAFKA_TIMESTAMP), col(RAW),
                reason.as(REASON), col(RECEIVED)));
        if (fromFiles) {
            out.add(col(SOURCE_FILE));
        }
        return withJson.select(out.toArray(Column[]::new));
    }

    /** The columns of a valid event: {@link #EVENT_COLUMNS}, plus {@code source_file} for events read from files. */
    public static List<String> eventColumns(Dataset<Row> parsed) {
        return withSourceFile(EVENT_COLUMNS, parsed);
    }

    /** The columns of a quarantined record: {@code OutputColumns.QUARANTINE_COLUMNS} (+ {@code source_file}). */
    public static List<String> quarantineColumns(Dataset<Row> parsed) {
        return withSourceFile(QUARANTINE_COLUMNS, parsed);
    }

    /** The valid events: the contract's fields and their Kafka coordinates (or source file). */
    public static Dataset<Row> valid(Dataset<Row> parsed) {
        return parsed.where(col(REASON).isNull()).select(cols(eventColumns(parsed)));
    }

    /** The quarantined records: raw payload, reason and Kafka coordinates (or source file). */
    public static Dataset<Row> quarantined(Dataset<Row> parsed) {
        return parsed.where(col(REASON).isNotNull()).select(cols(quarantineColumns(parsed)));
    }

    /**
     * The quarantined records with their {@code date}/{@code hour} partitions of the arrival time: the Kafka
     * timestamp, or the batch's processing time for records read from files (whose Kafka columns are null).
     */
    public static Dataset<Row> quarantinedByArrival(Dataset<Row> parsed) {
        List<String> columns = new ArrayList<>(quarantineColumns(parsed));
        columns.add(DATE);
        columns.add(HOUR);
        return TimePartitions.by(parsed.where(col(REASON).isNotNull()), RECEIVED).select(cols(columns));
    }

    private static List<String> withSourceFile(List<String> columns, Dataset<Row> parsed) {
        if (!hasColumn(parsed, SOURCE_FILE)) {
            return columns;
        }
        List<String> out = new ArrayList<>(columns);
        out.add(SOURCE_FILE);
        return List.copyOf(out);
    }

    private static Column[] cols(List<String> names) {
        return names.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    }

    private static boolean hasColumn(Dataset<Row> rows, String name) {
        return java.util.Arrays.asList(rows.columns()).contains(name);
    }

    /** The first non-null of the JSON keys accepted for a canonical field, in the contract's precedence order. */
    private static Column canonical(String field) {
        List<String> keys = ClickEventContract.ACCEPTED_KEYS.get(field);
        Column[] cols = keys.stream().map(k -> col(PARSED + "." + k)).toArray(Column[]::new);
        return cols.length == 1 ? cols[0] : coalesce(cols);
    }

    private static Column blank(Column c) {
        return c.isNull().or(trim(c).equalTo(""));
    }
}
