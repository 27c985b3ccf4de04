package io.streamingclicks.contract;

/**
 * The producer's ledger under {@code ledger/}: the ground truth that makes loss and duplication provable
 * (DESIGN.md, "Exactly-once accounting", link 1). JSON lines, append-only, one file per producer run named
 * {@code ledger-<run start, epoch ms>.jsonl}; a line is written only after the sends it counts were answered, and
 * each line is a delta: readers sum them per key. Two kinds of line:
 *
 * <pre>
 * {"type":"count","second":"2026-11-21T22:50:01Z","page_id":"/home","lateness":"on_time",
 *  "acked":12,"in_doubt":0,"failed":0}
 * {"type":"offset","at":"2026-11-21T22:50:02.120Z","partition":0,"max_acked_offset":1234}
 * </pre>
 * {@code second} is the event-time second (UTC, truncated), so any window size can be reconciled; {@code lateness}
 * is {@code on_time} or {@code late} (the configured late fraction and every burst). {@code acked}: acknowledged by
 * {@code acks=all}. {@code in_doubt}: timed out, may or may not be in Kafka. {@code failed}: definitely not written.
 * {@code offset} lines carry the highest acknowledged offset per partition so far.
 * <p>
 * A third kind, written only in landing mode (the producer writes JSON-lines files under {@code landing/} instead of
 * Kafka, named {@code clicks-<run>-<seq>-<late lines>.jsonl}):
 * <pre>
 * {"type":"landed","run":"1763851200000","max_seq":41}
 * </pre>
 * Every landing file of run {@code run} with a sequence number {@code <= max_seq} has been booked by the count lines
 * written before this line (in this file or an earlier one); readers take the maximum per run. A landing-mode run's
 * file starts with its own {@code landed} line ({@code max_seq} -1) and each of its flushes ends with one, so lines after
 * a file's last own {@code landed} line are a flush torn by a crash: the next start cuts them off and books those
 * landing files again from the files themselves. Readers that only sum counts ignore this kind.
 * Producer events always carry an {@code event_id}; events without one come from elsewhere (external).
 *
 * @deprecated the ledger format now lives in {@code io.streamingclicks.accounting.ledger} (module
 *             {@code accounting/}: {@code LedgerCodec}, {@code LedgerFiles}); kept only until the producer reads and
 *             writes its ledger through that package, then deleted.
 */
@Deprecated
public final class LedgerFormat {

    public static final String FILE_PREFIX = "ledger-";
    public static final String FILE_SUFFIX = ".jsonl";

    public static final String TYPE = "type";
    public static final String TYPE_COUNT = "count";
    public static final String TYPE_OFFSET = "offset";

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

    public static final String TYPE_LANDED = "landed";
    public static final String RUN = "run";
    public static final String MAX_SEQ = "max_seq";

    private LedgerFormat() {
    }
}
