package io.streamingclicks.accounting.links;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.streamingclicks.accounting.ledger.SettledLedger;
import io.streamingclicks.accounting.ledger.SettledLedger.Key;
import io.streamingclicks.accounting.ledger.SettledLedger.Sums;

class Link1Test {

    static final Key HOME = new Key(1_000, "/home");
    static final Key A = new Key(2_000, "/a");
    static final Key B = new Key(3_000, "/b");
    static final Key PENDING = new Key(4_000, "/b");
    static final SettledLedger LEDGER = new SettledLedger(
            Map.of(HOME, new Sums(3, 1), A, new Sums(2, 0), B, new Sums(5, 0), PENDING, new Sums(1, 0)),
            Set.of(HOME, A, B, PENDING, new Key(5_000, "/unsettled")), true);

    @Test
    void eachSettledKeyMustLieBetweenAcknowledgedAndAcknowledgedPlusInDoubt() {
        Link1 ok = Link1.compare(LEDGER, Set.of(PENDING), Map.of(HOME, 4L, A, 2L, B, 5L), "Kafka");
        assertThat(ok.holds()).isTrue();
        assertThat(ok.compared()).isEqualTo(3);
        assertThat(ok.example()).isEmpty();

        Link1 bad = Link1.compare(LEDGER, Set.of(PENDING), Map.of(HOME, 5L, A, 1L, B, 5L), "events");
        assertThat(bad.badKeys()).isEqualTo(2);
        assertThat(bad.lost()).isEqualTo(1);
        assertThat(bad.doubled()).isEqualTo(1);
        assertThat(bad.example()).isEqualTo("; e.g. 1000|/home: acked 3, in doubt 1, in events 5");
    }

    @Test
    void eventsUnderKeysTheLedgerNeverNamesAreExternalAndUnsettledKeysAreNotCompared() {
        Link1 c = Link1.compare(LEDGER, Set.of(), Map.of(HOME, 3L, A, 2L, B, 5L, PENDING, 1L,
                new Key(5_000, "/unsettled"), 9L, new Key(1_000, "/elsewhere"), 7L), "Kafka");
        assertThat(c.holds()).isTrue();
        assertThat(c.compared()).isEqualTo(4);
        assertThat(c.external()).isEqualTo(7);
    }
}
