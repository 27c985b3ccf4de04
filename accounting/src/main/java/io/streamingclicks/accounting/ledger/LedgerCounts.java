package io.streamingclicks.accounting.ledger;

/** Mutable acknowledged / in-doubt / failed counts of one {@link LedgerKey}, summed from deltas. */
public final class LedgerCounts {

    private long acked;
    private long inDoubt;
    private long failed;

    public LedgerCounts add(long acked, long inDoubt, long failed) {
        this.acked += acked;
        this.inDoubt += inDoubt;
        this.failed += failed;
        return this;
    }

    public LedgerCounts add(LedgerLine.Count count) {
        return add(count.acked(), count.inDoubt(), count.failed());
    }

    public long acked() {
        return acked;
    }

    public long inDoubt() {
        return inDoubt;
    }

    public long failed() {
        return failed;
    }
}
