package io.streamingclicks.accounting.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.streamingclicks.contract.ClickEventContract;

/**
 * The one codec of ledger lines, used by the writer and every reader. {@link #encode} writes the fields in the
 * order existing ledger files have them, with Jackson's escaping, so new lines are byte-identical to old ones;
 * {@link #decode} reads a line back, or nothing for a line that is blank, cut by a crash mid-write, or of a kind
 * this version does not know.
 */
public final class LedgerCodec {

    public static final String TYPE = "type";
    public static final String TYPE_COUNT = "count";
    public static final String TYPE_OFFSET = "offset";
    public static final String TYPE_LANDED = "landed";

    public static final String SECOND = "second";
    public static final String PAGE_ID = ClickEventContract.PAGE_ID;
    public static final String LATENESS = "lateness";
    public static final String ON_TIME = "on_time";
    public static final String LATE = "late";
    public static final String ACKED = "acked";
    public static final String IN_DOUBT = "in_doubt";
    public static final String FAILED = "failed";

    public static final String AT = "at";
    public static final String PARTITION = "partition";
    public static final String MAX_ACKED_OFFSET = "max_acked_offset";

    public static final String RUN = "run";
    public static final String MAX_SEQ = "max_seq";

    private static final ObjectMapper JSON = new ObjectMapper();

    private LedgerCodec() {
    }

    /** The line's JSON, without the trailing newline. */
    public static String encode(LedgerLine line) {
        ObjectNode n = JSON.createObjectNode();
        // Java 17: no pattern switch; the interface is sealed, so these three are every kind.
        if (line instanceof LedgerLine.Count c) {
            n.put(TYPE, TYPE_COUNT);
            n.put(SECOND, c.second().toString());
            n.put(PAGE_ID, c.pageId());
            n.put(LATENESS, lateness(c.late()));
            n.put(ACKED, c.acked());
            n.put(IN_DOUBT, c.inDoubt());
            n.put(FAILED, c.failed());
        } else if (line instanceof LedgerLine.Offset o) {
            n.put(TYPE, TYPE_OFFSET);
            n.put(AT, o.at().toString());
            n.put(PARTITION, o.partition());
            n.put(MAX_ACKED_OFFSET, o.maxAckedOffset());
        } else if (line instanceof LedgerLine.Landed l) {
            n.put(TYPE, TYPE_LANDED);
            n.put(RUN, l.run());
            n.put(MAX_SEQ, l.maxSeq());
        }
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode the ledger line " + line, e);
        }
    }

    /** {@code on_time} or {@code late}: the ledger's and the record header's word for a send's lateness. */
    public static String lateness(boolean late) {
        return late ? LATE : ON_TIME;
    }

    /** One line as written, or empty for a blank, torn (the producer may be appending it) or unknown line. */
    public static Optional<LedgerLine> decode(String line) {
        if (line == null || line.isBlank()) {
            return Optional.empty();
        }
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (IOException torn) {
            return Optional.empty();
        }
        if (n == null || !n.isObject()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(switch (n.path(TYPE).asText()) {
                case TYPE_COUNT -> new LedgerLine.Count(Instant.parse(n.path(SECOND).asText()),
                        n.path(PAGE_ID).asText(), LATE.equals(n.path(LATENESS).asText()), n.path(ACKED).asLong(),
                        n.path(IN_DOUBT).asLong(), n.path(FAILED).asLong());
                case TYPE_OFFSET -> new LedgerLine.Offset(Instant.parse(n.path(AT).asText()),
                        n.path(PARTITION).asInt(), n.path(MAX_ACKED_OFFSET).asLong());
                case TYPE_LANDED -> new LedgerLine.Landed(n.path(RUN).asText(), n.path(MAX_SEQ).asLong());
                default -> null;
            });
        } catch (DateTimeParseException notATime) {
            return Optional.empty();
        }
    }
}
