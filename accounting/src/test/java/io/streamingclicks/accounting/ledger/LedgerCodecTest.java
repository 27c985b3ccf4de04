package io.streamingclicks.accounting.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The codec against lines as the producer has written them since the ledger exists: byte for byte. */
class LedgerCodecTest {

    static final String COUNT = "{\"type\":\"count\",\"second\":\"2026-11-21T22:50:01Z\",\"page_id\":\"/home\","
            + "\"lateness\":\"on_time\",\"acked\":2,\"in_doubt\":0,\"failed\":0}";
    static final String LATE_COUNT = "{\"type\":\"count\",\"second\":\"2026-11-21T22:50:01Z\",\"page_id\":\"/a \\\"b\\\"\","
            + "\"lateness\":\"late\",\"acked\":0,\"in_doubt\":3,\"failed\":1}";
    static final String OFFSET = "{\"type\":\"offset\",\"at\":\"2026-11-21T22:50:02.120Z\",\"partition\":0,"
            + "\"max_acked_offset\":1234}";
    static final String LANDED = "{\"type\":\"landed\",\"run\":\"1763851200000\",\"max_seq\":-1}";

    @Test
    void eachKindIsWrittenExactlyAsExistingLedgerFilesHaveItAndReadBack() {
        LedgerLine count = new LedgerLine.Count(Instant.parse("2026-11-21T22:50:01Z"), "/home", false, 2, 0, 0);
        LedgerLine late = new LedgerLine.Count(Instant.parse("2026-11-21T22:50:01Z"), "/a \"b\"", true, 0, 3, 1);
        LedgerLine offset = new LedgerLine.Offset(Instant.parse("2026-11-21T22:50:02.120Z"), 0, 1234);
        LedgerLine landed = new LedgerLine.Landed("1763851200000", -1);

        assertThat(LedgerCodec.encode(count)).isEqualTo(COUNT);
        assertThat(LedgerCodec.encode(late)).isEqualTo(LATE_COUNT);
        assertThat(LedgerCodec.encode(offset)).isEqualTo(OFFSET);
        assertThat(LedgerCodec.encode(landed)).isEqualTo(LANDED);
        for (LedgerLine l : new LedgerLine[] {count, late, offset, landed}) {
            assertThat(LedgerCodec.decode(LedgerCodec.encode(l))).contains(l);
        }
    }

    @Test
    void aCountLineKnowsItsKey() {
        LedgerLine.Count c = (LedgerLine.Count) LedgerCodec.decode(COUNT).orElseThrow();
        assertThat(c.key()).isEqualTo(new LedgerKey(Instant.parse("2026-11-21T22:50:01Z").getEpochSecond(), "/home",
                false));
        assertThat(LedgerLine.Count.of(c.key(), new LedgerCounts().add(2, 0, 0))).isEqualTo(c);
    }

    @Test
    void blankTornAndUnknownLinesDecodeToNothing() {
        assertThat(LedgerCodec.decode("")).isEmpty();
        assertThat(LedgerCodec.decode("   ")).isEmpty();
        assertThat(LedgerCodec.decode(COUNT.substring(0, 40))).isEmpty();
        assertThat(LedgerCodec.decode(OFFSET.substring(0, OFFSET.length() - 1))).isEmpty();
        assertThat(LedgerCodec.decode("12")).isEmpty();
        assertThat(LedgerCodec.decode("{\"type\":\"flush\",\"n\":1}")).isEmpty();
        assertThat(LedgerCodec.decode("{\"type\":\"count\",\"second\":\"not a time\"}")).isEmpty();
    }
}
