package io.streamingclicks.producer.ledger;

import io.streamingclicks.producer.send.Outcome;

/** Mutable acked / in-doubt / failed counts of one {@link LedgerKey}. */
public final class LedgerCounts {

    long acked;
    long inDoubt;
    long failed;

    public void add(Outcome outcome, long n) {
        switch (outcome) {
            case ACKED -> acked += n;
            case IN_DOUBT -> inDoubt += n;
            case FAILED -> failed += n;
        }
    }

    public void add(long acked, long inDoubt, long failed) {
        this.acked += acked;
        this.inDoubt += inDoubt;
        this.failed += failed;
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
