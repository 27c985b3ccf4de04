package io.streamingclicks.producer.send;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamingclicks.accounting.ledger.LedgerCodec;
import io.streamingclicks.contract.ClickEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
/**
 * Kafka headers the producer puts on each record, outside the contract JSON: the run that sent it (its ledger
 * file's run id) and whether it was deliberately late, so a crashed run's unledgered records can be booked later.
 */
public final class RecordHeaders {

    public static final String RUN = "streamingclicks-run";
    public static final String LATENESS = "streamingclicks-lateness";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a ledger line needs from a record the producer wrote. */
    public record Booking(Instant eventTime, String pageId, boolean late) {
    }

    private RecordHeaders() {
    }

    /** Reads back page and event time from the producer's own JSON; null if it is not a contract event. */
    public static Booking booking(String json, String lateness) {
        if (json == null) {
            return null;
        }
        try {
            ClickEvent e = ClickEvent.fromFields(JSON.readValue(json, new TypeReference<Map<String, Object>>() { }));
            return new Booking(e.eventTime(), e.pageId(), LedgerCodec.LATE.equals(lateness));
        } catch (IOException | RuntimeException notAnEvent) {
            return null;
        }
    }
}
