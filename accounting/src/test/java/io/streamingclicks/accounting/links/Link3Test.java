package io.streamingclicks.accounting.links;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.streamingclicks.accounting.links.Link3.Event;
import io.streamingclicks.accounting.spark.CheckpointLog;

/** Link 3 on a checkpoint written as Spark 3.5 writes it: the window's split is at batch j's start, not j-1's. */
class Link3Test {

    static final Instant W0 = Instant.parse("2026-11-21T22:50:00Z");
    static final Duration MINUTE = Duration.ofMinutes(1);

    @TempDir
    Path chk;

    void offsets(long batch, Instant watermark, long p0) throws IOException {
        Path f = chk.resolve("offsets/" + batch);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "v1\n{\"batchWatermarkMs\":" + watermark.toEpochMilli() + "}\n{\"t\":{\"0\":" + p0 + "}}");
    }

    @Test
    void eventsBelowTheStartOfTheFirstBatchFilteringTheWindowAreCountedTheRestDropped() throws Exception {
        offsets(0, Instant.EPOCH, 4);
        offsets(1, W0.plus(MINUTE), 6); // seals window W0 with its own watermark ...
        offsets(2, W0.plus(MINUTE), 9); // ... but only batch 2 filters with it: rows of W0 at offsets >= 6 drop
        CheckpointLog log = CheckpointLog.read(chk);
        List<Event> events = List.of(new Event(0, 0, W0), new Event(0, 3, W0), new Event(0, 4, W0),
                new Event(0, 5, W0), new Event(0, 6, W0), new Event(0, 8, W0), new Event(0, 7, W0.plus(MINUTE)),
                new Event(1, 0, W0));
        Link3 l = Link3.of(log, MINUTE, events);
        Link3.Window w0 = l.windows().get(W0);
        assertThat(w0.counted()).as("offsets 0, 3, 4, 5 of partition 0").isEqualTo(4);
        assertThat(w0.droppedLate()).as("offsets 6, 8, and partition 1 which batch 1 had not read").isEqualTo(3);
        assertThat(w0.boundary()).contains(Map.of(0, 6L));
        assertThat(l.counted(W0.plus(MINUTE))).as("no batch filters the newest window").isEqualTo(1);
        assertThat(l.windows().get(W0.plus(MINUTE)).boundary()).isEmpty();
        assertThat(l.counted(W0.minus(MINUTE))).isZero();
    }
}
