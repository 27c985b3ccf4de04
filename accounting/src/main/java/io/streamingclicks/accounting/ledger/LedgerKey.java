package io.streamingclicks.accounting.ledger;

/** One ledger counter: an event-time second (epoch seconds), a page and whether the events were deliberately late. */
public record LedgerKey(long second, String pageId, boolean late) implements Comparable<LedgerKey> {

    @Override
    public int compareTo(LedgerKey o) {
        int c = Long.compare(second, o.second);
        if (c == 0) {
            c = pageId.compareTo(o.pageId);
        }
        return c != 0 ? c : Boolean.compare(late, o.late);
    }
}
