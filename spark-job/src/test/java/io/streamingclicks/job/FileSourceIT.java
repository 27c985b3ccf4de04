package io.streamingclicks.job;

import io.streamingclicks.contract.QuarantineReason;
import io.streamingclicks.job.support.Committed;
import io.streamingclicks.job.support.Events;
import io.streamingclicks.job.support.JobRun;
import io.streamingclicks.job.support.Landing;
import io.streamingclicks.job.support.SharedKafka;
import io.streamingclicks.job.support.TestSpark;
import io.streamingclicks.kafka.KafkaCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.streamingclicks.job.support.EventTimes.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * {@code --source files}: the same events through the landing directory and through Kafka give the same pv; a
 * malformed line is quarantined with its file name; a hidden {@code .name.tmp} file is never read until renamed.
 */
@ExtendWith(SharedKafka.class)
class FileSourceIT {

    private static final String MALFORMED = "{\"user_id\":\"u1\",\"page_id\":";
    private static final String NO_USER = "{\"page_id\":\"/a\",\"event_time\":\"" + at(1, 0) + "\"}";

    private final KafkaCluster cluster;
    private final SparkSession spark = TestSpark.get();
    @TempDir
    Path tmp;

    FileSourceIT(KafkaCluster cluster) {
        this.cluster = cluster;
    }

    /** 60 events over three windows and four pages, none late. */
    private static List<String> events() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            out.add(Events.json("e" + i, "u" + (i % 7), "/p" + (i % 4), at(i % 15, i % 60), "view"));
        }
        return out;
    }

    /** pv per (window start, page) computed here from the events, for the windows the clock seals. */
    private static Map<String, Long> expectedPv() {
        Map<String, Long> pv = new TreeMap<>();
        for (int i = 0; i < 60; i++) {
            Instant start = at(((i % 15) / 5) * 5, 0);
            pv.merge(start + " /p" + (i % 4), 1L, Long::sum);
        }
        return pv;
    }

    private Map<String, Long> pv(JobRun run) {
        Map<String, Long> pv = new TreeMap<>();
        for (Row r : Committed.rows(spark, run.output("pv"), "select window_start, page_id, pv from t")) {
            pv.put(r.getTimestamp(0).toInstant() + " " + r.getString(1), r.getLong(2));
        }
        return pv;
    }

    private long count(JobRun run, String sink) {
        return Committed.rows(spark, run.output(sink), "select count(*) from t").stream()
                .mapToLong(r -> r.getLong(0)).sum();
    }

    private void awaitCount(JobRun run, String sink, long n) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> {
            assertThat(run.job.failed()).isNull();
            return count(run, sink) >= n;
        });
    }

    @Test
    void filesGiveTheSamePvAsKafkaQuarantineMalformedLinesAndSkipHiddenFiles() throws IOException {
        List<String> data = events();
        List<String> bad = List.of(MALFORMED, NO_USER);
        // The clock event comes after the data is committed, so nothing is late in either variant.
        String clock = Events.json("clock", "clock", "/clock", at(40, 0), "view");
        Map<String, Long> expected = expectedPv();

        String topic = cluster.createRandomTopic();
        Map<String, Long> fromKafka;
        try (Events events = new Events(cluster.bootstrapServers(), topic);
             JobRun run = JobRun.start(tmp.resolve("kafka"), cluster.bootstrapServers(), topic,
                     "--sinks", "pv,events")) {
            events.sendRaw(data);
            events.sendRaw(bad);
            awaitCount(run, "events", data.size());
            events.sendRaw(List.of(clock));
            await().atMost(Duration.ofSeconds(90)).until(() -> pv(run).size() >= expected.size());
            fromKafka = pv(run);
        }

        Path landing = tmp.resolve("files").resolve("landing");
        Files.createDirectories(landing);
        // A file as the producer leaves it while writing (or after a crash before the rename): hidden, half a line.
        Path half = Landing.temp(landing, "clicks-half.jsonl");
        Files.writeString(half, Events.json("hidden", "u1", "/hidden", at(2, 0), "view") + "\n"
                + "{\"user_id\":\"u1\",\"pa", StandardCharsets.UTF_8);
        try (JobRun run = JobRun.start(tmp.resolve("files"), cluster.bootstrapServers(), topic,
                "--source", "files", "--sinks", "pv,events,quarantine")) {
            Landing.write(landing, "clicks-1.jsonl", data.subList(0, 30));
            List<String> second = new ArrayList<>(data.subList(30, 60));
            second.addAll(1, bad);
            Landing.write(landing, "clicks-2.jsonl", second);
            awaitCount(run, "events", data.size());
            Landing.write(landing, "clicks-3.jsonl", List.of(clock));
            await().atMost(Duration.ofSeconds(90)).until(() -> pv(run).size() >= expected.size());

            assertThat(pv(run)).isEqualTo(expected).isEqualTo(fromKafka);

            awaitCount(run, "quarantine", bad.size());
            List<Row> q = Committed.rows(spark, run.output("quarantine"),
                    "select raw, reason, source_file, kafka_partition, kafka_offset, kafka_timestamp, date, hour "
                            + "from t");
            assertThat(q).extracting(r -> r.getString(0), r -> r.getString(1), r -> r.getString(2))
                    .containsExactlyInAnyOrder(
                            tuple(MALFORMED, QuarantineReason.UNPARSEABLE_JSON.code(), "clicks-2.jsonl"),
                            tuple(NO_USER, QuarantineReason.MISSING_USER_ID.code(), "clicks-2.jsonl"));
            assertThat(q).allSatisfy(r -> {
                assertThat(r.isNullAt(3) && r.isNullAt(4) && r.isNullAt(5)).isTrue();
                assertThat(r.isNullAt(6) || r.isNullAt(7)).isFalse();
            });
            List<Row> ev = Committed.rows(spark, run.output("events"),
                    "select source_file, kafka_offset from t where event_id = 'e0'");
            assertThat(ev).extracting(r -> r.getString(0), r -> r.get(1)).containsExactly(tuple("clicks-1.jsonl", null));

            // The hidden file was never read: no event of it, no quarantined half line.
            assertThat(count(run, "events")).isEqualTo(data.size() + 1);
            assertThat(count(run, "quarantine")).isEqualTo(bad.size());
            // Once renamed into place it is read: the only thing that kept it out was its name.
            Files.writeString(half, Events.json("hidden", "u1", "/hidden", at(41, 0), "view") + "\n");
            Files.move(half, landing.resolve("clicks-half.jsonl"), StandardCopyOption.ATOMIC_MOVE);
            awaitCount(run, "events", data.size() + 2);
            assertThat(Committed.rows(spark, run.output("events"), "select source_file from t where event_id = 'hidden'"))
                    .extracting(r -> r.getString(0)).containsExactly("clicks-half.jsonl");
        }
    }
}
