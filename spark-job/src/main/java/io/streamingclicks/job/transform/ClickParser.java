package io.streamingclicks.job.transform;

import io.streamingclicks.contract.ClickEventContract;
import io.streamingclicks.contract.QuarantineReason;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.streamingclicks.contract.OutputColumns.KAFKA_OFFSET;
import static io.streamingclicks.contract.OutputColumns.KAFKA_PARTITION;
import static io.streamingclicks.contract.OutputColumns.KAFKA_TIMESTAMP;
import static io.streamingclicks.contract.OutputColumns.RAW;
import static io.streamingclicks.contract.OutputColumns.REASON;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

/**
 * Reads a source's records ({@link #RECORD_COLUMNS}) and writes one row per record: the contract's event fields
 * (aliases coalesced, {@code event_time} a UTC TIMESTAMP), the Kafka coordinates, the raw payload and a
 * {@link QuarantineReason} code, null when the event is valid; each record is parsed once. Pure: a test runs it on a
 * batch DataFrame.
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

    /** The parser's input, as a {@code ClickSource} writes it; a source's own columns follow these. */
    public static final List<String> RECORD_COLUMNS = List.of(RAW, KAFKA_PARTITION, KAFKA_OFFSET, KAFKA_TIMESTAMP,
            RECEIVED);

    /**
     * The identity on the record's text, marked non-deterministic so that the optimizer parses each record once.
     * Without it, Spark 3.5's PushDownPredicates pushes the quarantine filter ({@code reason IS [NOT] NULL}) below
     * this projection and inlines {@code _parsed} into it, one {@code from_json} per field reference (15 in the plan,
     * SPARK-47672): the filter parses the record (its generated predicate shares the 14 copies) and this projection
     * parses it again. Spark neither pushes a filter through nor inlines from a projection whose expressions are not
     * all deterministic, so the parse stays here and the filter reads its result. The marker does not make the
     * output vary: the function has no state, no seed and no clock, its value is its input, so a batch replayed after
     * a crash (the same offsets, hence the same records) parses to the same rows and reasons, and the quarantine
     * rows and offsets are the same as the first time. It wraps the parse's own input, so column pruning cannot drop
     * it without dropping the parse.
     */
    private static final UserDefinedFunction PARSE_ONCE = udf((UDF1<String, String>) raw -> raw,
            DataTypes.StringType).asNondeterministic().withName("parse_once");

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
     * field (the console-producer samples' {@code "user_id": 1001}) is read as its text.
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
     * @param records {@link #RECORD_COLUMNS} followed by {@code carried}, as a {@code ClickSource} writes them
     * @param carried the source's own columns, passed through to every output row (e.g. {@code source_file})
     * @param maxFutureSkew how far event_time may lie after the record's arrival ({@link #RECEIVED})
     */
    public static ParsedClicks parse(Dataset<Row> records, List<String> carried, Duration maxFutureSkew) {
        List<Column> in = new ArrayList<>();
        RECORD_COLUMNS.forEach(c -> in.add(col(c)));
        carried.forEach(c -> in.add(col(c)));
        in.add(from_json(PARSE_ONCE.apply(col(RAW)), sourceSchema(),
                Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT)).as(PARSED));
        Dataset<Row> withJson = records.select(in.toArray(Column[]::new));

        Column eventTimeText = canonical(ClickEventContract.EVENT_TIME);
        // A zone-less time means UTC: the session time zone is pinned to UTC (see SparkSessions).
        Column eventTime = when(utcShape(eventTimeText),
                eventTimeText.substr(lit(1), length(eventTimeText).minus(1)).cast(DataTypes.TimestampType))
                .otherwise(eventTimeText.cast(DataTypes.TimestampType));
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
        carried.forEach(c -> out.add(col(c)));
        return new ParsedClicks(withJson.select(out.toArray(Column[]::new)), carried);
    }

    /**
     * The producer's own shape, {@code yyyy-MM-ddTHH:mm:ss[.SSS]Z}: 19 characters of date and time, then 'Z' or
     * milliseconds and 'Z'. Its time without the 'Z' is the same instant in the UTC session, and casting that skips
     * Spark 3.5's zone lookup, which compiles a regular expression per row (a tenth of the ingest query's CPU in a
     * profile of make bench-spark). Any other text is cast as it is, so what is accepted does not change.
     */
    private static Column utcShape(Column text) {
        return text.endsWith("Z").and(length(text).equalTo(20).and(text.substr(20, 1).equalTo("Z"))
                .or(length(text).equalTo(24).and(text.substr(20, 1).equalTo("."))));
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
