package io.streamingclicks.job.support;

import io.streamingclicks.contract.ClickTruth;
import io.streamingclicks.contract.DataRoot;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The synthetic traffic lands as the job would leave it, with the clicks per view the model says. */
class TruthTrafficTest {

    @TempDir
    Path dir;

    @Test
    void commitsTheDrawnEventsAndTheTruthTheOracleReads() throws Exception {
        Instant from = Instant.parse("2026-11-30T10:00:00Z");
        TruthTraffic traffic = TruthTraffic.defaults(5);
        SampleRoot root = new SampleRoot(TestSpark.get(), dir, Duration.ofMinutes(5));
        TruthTraffic.Summary s = traffic.write(root, from, from.plus(Duration.ofHours(1)), Duration.ofMinutes(20),
                from.plus(Duration.ofHours(2)));

        assertThat(s.batches()).isEqualTo(4);
        assertThat(s.views() + s.others()).isEqualTo(5 * 3600);
        assertThat((double) s.clicks() / s.views()).isBetween(0.25, 0.45);
        List<Row> counts = TestSpark.get().read().parquet(dir.resolve("parquet/events").toString())
                .groupBy("action").count().collectAsList();
        assertThat(counts.stream().mapToLong(r -> r.getLong(1)).sum()).isEqualTo(s.events());
        ClickTruth read = ClickTruth.fromJson(Files.readString(Path.of(DataRoot.of(dir.toString()).truth())));
        assertThat(read).isEqualTo(traffic.truth());
    }
}
