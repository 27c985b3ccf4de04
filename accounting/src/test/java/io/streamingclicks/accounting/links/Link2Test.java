package io.streamingclicks.accounting.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.streamingclicks.accounting.links.Link2.Range;
import io.streamingclicks.accounting.spark.CheckpointLog;
import io.streamingclicks.accounting.links.Link2.Read;

class Link2Test {

    static List<Read> reads(int partition, long from, long to) {
        List<Read> out = new ArrayList<>();
        for (long o = from; o < to; o++) {
            out.add(new Read(partition, o));
        }
        return out;
    }

    @Test
    void contiguousOffsetsUpToTheCommittedEndHold() {
        List<Read> r = new ArrayList<>(reads(0, 0, 10));
        r.addAll(reads(1, 40, 45)); // retention deleted 0..39 before the job started: first read is 40
        Link2 l = Link2.check(r, Map.of(0, 10L, 1, 45L, 2, 0L));
        assertThat(l.holds()).isTrue();
        assertThat(l.partitions().get(1).first()).isEqualTo(40);
        assertThat(l.partitions().get(1).present()).isEqualTo(5);
        assertThat(l.partitions().get(2).present()).isZero();
    }

    @Test
    void gapsRepeatsAndOffsetsPastTheEndAreEachReported() {
        List<Read> r = new ArrayList<>(reads(0, 0, 3));
        r.addAll(reads(0, 5, 8));
        r.add(new Read(0, 6));
        r.add(new Read(0, 6));
        r.add(new Read(0, 12));
        Link2.Partition p = Link2.check(r, Map.of(0, 10L)).partitions().get(0);
        assertThat(p.holds()).isFalse();
        assertThat(p.gaps()).containsExactly(new Range(3, 5), new Range(8, 10));
        assertThat(p.missing()).isEqualTo(4);
        assertThat(p.repeats()).containsExactly(Map.entry(6L, 3));
        assertThat(p.outside()).isEqualTo(1);
    }

    @Test
    void withoutAStartNothingReadIsNoGapWithOneTheRunFromItMustBeThere() {
        assertThat(Link2.check(List.of(), Map.of(0, 5L)).partitions().get(0).gaps()).isEmpty();
        assertThat(Link2.check(List.of(), Map.of(0, 0L), Map.of(0, 5L)).partitions().get(0).gaps())
                .containsExactly(new Range(0, 5));
        Link2.Partition fromZero = Link2.check(reads(0, 2, 5), Map.of(0, 2L), Map.of(0, 5L)).partitions().get(0);
        assertThat(fromZero.holds()).isTrue();
        assertThat(Link2.check(reads(0, 0, 5), Map.of(0, 2L), Map.of(0, 5L)).partitions().get(0).outside())
                .isEqualTo(2);
        assertThat(Link2.check(List.of(new Read(3, 0)), Map.of()).partitions().get(3).outside()).isEqualTo(1);
    }

    @Test
    void overTheIngestCheckpointTheEndIsItsLastCommittedBatchs() throws Exception {
        Path chk = Files.createTempDirectory("ingest");
        writeOffsets(chk, 0, "{\"clickstream_events\":{\"0\":3,\"1\":2}}");
        writeOffsets(chk, 1, "{\"clickstream_events\":{\"0\":6,\"1\":2}}");
        writeOffsets(chk, 2, "{\"clickstream_events\":{\"0\":9,\"1\":4}}");
        Files.createDirectories(chk.resolve("commits"));
        Files.writeString(chk.resolve("commits/0"), "v1\n{}");
        Files.writeString(chk.resolve("commits/1"), "v1\n{}");
        // events and quarantine rows together; batch 2 wrote offset 6 of partition 0 but has not committed
        List<Read> r = new ArrayList<>(reads(0, 0, 7));
        r.addAll(reads(1, 0, 2));
        Link2 l = Link2.check(CheckpointLog.read(chk), r);
        assertThat(l.partitions().get(0).end()).isEqualTo(6);
        assertThat(l.partitions().get(0).outside()).as("offset 6 of the uncommitted batch").isEqualTo(1);
        assertThat(l.partitions().get(1).holds()).isTrue();

        writeOffsets(chk, 3, "{\"logOffset\":0}");
        Files.writeString(chk.resolve("commits/3"), "v1\n{}");
        assertThatThrownBy(() -> Link2.check(
                CheckpointLog.read(chk), r)).hasMessageContaining("landing line");
    }

    static void writeOffsets(Path chk, long batch, String source) throws IOException {
        Files.createDirectories(chk.resolve("offsets"));
        Files.writeString(chk.resolve("offsets/" + batch), "v1\n{\"batchWatermarkMs\":0}\n" + source);
    }
}
