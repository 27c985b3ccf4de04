package io.streamingclicks.job.transform;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

import java.util.ArrayList;
import java.util.List;

import static io.streamingclicks.contract.OutputColumns.DATE;
import static io.streamingclicks.contract.OutputColumns.HOUR;
import static io.streamingclicks.contract.OutputColumns.QUARANTINE_COLUMNS;
import static io.streamingclicks.contract.OutputColumns.REASON;
import static org.apache.spark.sql.functions.col;

/**
 * The parser's output ({@code rows}, one per record with its {@code reason}) and the source's {@code carried}
 * columns; splits it into valid events and quarantined records, each with the source's columns after the contract's.
 */
public record ParsedClicks(Dataset<Row> rows, List<String> carried) {

    public ParsedClicks {
        carried = List.copyOf(carried);
    }

    /** The columns of a valid event: {@link ClickParser#EVENT_COLUMNS}, then {@link #carried()}. */
    public List<String> eventColumns() {
        return withCarried(ClickParser.EVENT_COLUMNS);
    }

    /** The columns of a quarantined record: {@code OutputColumns.QUARANTINE_COLUMNS}, then {@link #carried()}. */
    public List<String> quarantineColumns() {
        return withCarried(QUARANTINE_COLUMNS);
    }

    /** The valid events: the contract's fields and their Kafka coordinates (or source file). */
    public Dataset<Row> valid() {
        return rows.where(col(REASON).isNull()).select(cols(eventColumns()));
    }

    /** The quarantined records: raw payload, reason and Kafka coordinates (or source file). */
    public Dataset<Row> quarantined() {
        return rows.where(col(REASON).isNotNull()).select(cols(quarantineColumns()));
    }

    /**
     * The quarantined records with their {@code date}/{@code hour} partitions of the arrival time: the Kafka
     * timestamp, or the batch's processing time for records read from files (whose Kafka columns are null).
     */
    public Dataset<Row> quarantinedByArrival() {
        List<String> columns = new ArrayList<>(quarantineColumns());
        columns.add(DATE);
        columns.add(HOUR);
        return TimePartitions.by(rows.where(col(REASON).isNotNull()), ClickParser.RECEIVED).select(cols(columns));
    }

    private List<String> withCarried(List<String> columns) {
        List<String> out = new ArrayList<>(columns);
        out.addAll(carried);
        return List.copyOf(out);
    }

    private static Column[] cols(List<String> names) {
        return names.stream().map(functions::col).toArray(Column[]::new);
    }
}
