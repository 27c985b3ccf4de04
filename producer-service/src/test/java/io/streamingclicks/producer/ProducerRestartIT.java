package io.streamingclicks.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamingclicks.accounting.ledger.LedgerCounts;
import io.streamingclicks.accounting.ledger.LedgerFiles;
import io.streamingclicks.accounting.ledger.LedgerKey;
import io.streamingclicks.accounting.ledger.LedgerSummary;
import io.streamingclicks.contract.ClickTruth;
import io.streamingclicks.kafka.KafkaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged service as a process: a backfill at 20x that reaches now and then holds wall speed, a broker SIGKILL
 * under load, an outage of two brokers (sends counted in doubt or failed, never acked), a SIGKILL of the producer itself and a restart that resumes the clock from the ledger, a graceful stop,
 * and the ledger read back from disk agreeing with the topic per (second, page): acked <= on topic <= acked + in doubt.
 */
class ProducerRestartIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double SPEED = 20;

    private static KafkaCluster cluster;
    private static String topic;
    private static Path dataDir;
    private static Path logs;
    private static final List<ProducerProcess> started = new ArrayList<>();

    @BeforeAll
    static void cluster() throws Exception {
        cluster = KafkaCluster.startForTests();
        topic = cluster.createRandomTopic();
        dataDir = Files.createTempDirectory("producer-restart-");
        logs = Path.of("target", "producer-restart-it");
        Files.createDirectories(logs);
    }

    @AfterAll
    static void close() {
        started.forEach(ProducerProcess::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ProducerProcess start(String name) {
        Path log = logs.resolve(name + ".log");
        ProducerProcess p = ProducerProcess.start(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers(),
                "KAFKA_TOPIC", topic,
                "DATA_DIR", dataDir.toString(),
                "PRODUCER_RATE", "100",
                "PRODUCER_BACKFILL", "PT5M",
                "PRODUCER_SPEED", String.valueOf(SPEED),
                "PRODUCER_LATE_FRACTION", "0.05",
                "PRODUCER_LATE_OFFSET", "-PT8M"), log);
        started.add(p);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!p.alive()) {
                throw new AssertionError(name + " exited during start-up:\n" + ProducerProcess.tail(log));
            }
            return p.ready();
        });
        return p;
    }

    /** One /stats reading, with the check every reading must pass: the event clock is never ahead of the wall. */
    private record Sample(long wall, long event, boolean backfilling) {
        static Sample of(ProducerProcess p) {
            JsonNode s = p.get("/stats");
            Sample x = new Sample(Instant.parse(s.get("wallClock").asText()).toEpochMilli(),
                    Instant.parse(s.get("eventClock").asText()).toEpochMilli(), s.get("backfilling").asBoolean());
            assertThat(x.event).as("event clock never ahead of the wall clock").isLessThanOrEqualTo(x.wall);
            return x;
        }

        double speedSince(Sample earlier) {
            return (double) (event - earlier.event) / (wall - earlier.wall);
        }
    }

    @Test
    void backfillBrokerKillAndProducerCrashKeepTheLedgerTrueToTheTopic() throws Exception {
        ProducerProcess run1 = start("run1");

        // Backfill: 5 minutes at 20x reaches now ~16 s after start, then runs at wall speed.
        List<Sample> samples = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            samples.add(Sample.of(run1));
            return !samples.get(samples.size() - 1).backfilling();
        });
        List<Sample> backfilling = samples.stream().filter(Sample::backfilling).toList();
        assertThat(backfilling).as("observed while backfilling").hasSizeGreaterThan(4);
        Sample first = backfilling.get(0);
        Sample last = backfilling.get(backfilling.size() - 1);
        assertThat(last.wall - first.wall).isGreaterThan(2000);
        assertThat(last.speedSince(first)).as("backfill speed").isBetween(SPEED * 0.9, SPEED * 1.1);
        Sample caughtUp = Sample.of(run1);
        await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
        Sample later = Sample.of(run1);
        assertThat(later.speedSince(caughtUp)).as("wall speed after catching up").isBetween(0.95, 1.05);
        assertThat(later.wall - later.event).as("lag once caught up, ms").isLessThan(1000);

        // A broker SIGKILLed under load (the leader of partition 0), a burst while it is down, then it comes back.
        int victim = cluster.leaders(topic).get(0);
        cluster.killNode(victim);
        await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
        JsonNode burst = run1.post("/bursts", "{\"count\": 300, \"offset\": \"-PT8M\"}");
        assertThat(burst.get("acked").asLong() + burst.get("inDoubt").asLong() + burst.get("failed").asLong())
                .isEqualTo(300);
        cluster.startNode(victim);
        cluster.awaitFullIsr(topic, Duration.ofSeconds(90));

        // An outage: two of three brokers down, below min.insync.replicas, so nothing can be acknowledged. A burst
        // sent then is answered within the delivery timeout as in doubt or failed, never as acknowledged.
        JsonNode beforeOutage = run1.get("/stats");
        cluster.killNode(2);
        cluster.killNode(3);
        JsonNode outage = run1.post("/bursts", "{\"count\": 50, \"offset\": \"-PT8M\"}");
        assertThat(outage.get("acked").asLong()).as("acked during the outage").isZero();
        assertThat(outage.get("inDoubt").asLong() + outage.get("failed").asLong()).isEqualTo(50);
        JsonNode duringOutage = run1.get("/stats");
        assertThat(duringOutage.get("inDoubt").asLong() + duringOutage.get("failed").asLong())
                .isGreaterThan(beforeOutage.get("inDoubt").asLong() + beforeOutage.get("failed").asLong() + 50);
        cluster.start(); // both at once: either alone waits for all three brokers
        cluster.awaitFullIsr(topic, Duration.ofSeconds(120));
        await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
        Sample beforeStop = Sample.of(run1);
        run1.kill();

        // Restart after a crash: the new run first books what the killed one sent but had not yet written down,
        // then its clock resumes where the ledger ends, not PRODUCER_BACKFILL before now.
        Instant ledgerEnd = LedgerSummary.readAll(dataDir.resolve("ledger")).lastOnTimeSecond();
        assertThat(ledgerEnd.toEpochMilli()).isGreaterThan(beforeStop.event - 5000);
        ProducerProcess run2 = start("run2");
        Sample resumed = Sample.of(run2);
        assertThat(resumed.event).as("resumed from the ledger, never back").isGreaterThanOrEqualTo(
                ledgerEnd.toEpochMilli());
        await().pollDelay(Duration.ofSeconds(4)).until(() -> true);
        Sample.of(run2);
        assertThat(run2.stop()).as("exit status after SIGTERM").isIn(0, 143);

        // The ledger on disk against the topic, per (event-time second, page).
        LedgerSummary ledger = LedgerSummary.readAll(dataDir.resolve("ledger"));
        assertThat(LedgerFiles.list(dataDir.resolve("ledger"))).as("one ledger file per run").hasSize(2);
        // Next to them the click model both runs drew from, written by the first, read back by the second.
        assertThat(ClickTruth.fromJson(Files.readString(dataDir.resolve("ledger").resolve(ClickTruth.FILE))).model())
                .isEqualTo(ClickTruth.Model.PROPENSITY);
        Map<String, long[]> byKey = new HashMap<>();
        ledger.counts().forEach((LedgerKey k, LedgerCounts c) -> {
            long[] v = byKey.computeIfAbsent(k.second() + " " + k.pageId(), x -> new long[3]);
            v[0] += c.acked();
            v[1] += c.inDoubt();
        });
        List<ConsumerRecord<String, String>> records;
        Map<Integer, Long> end;
        try (TopicReader reader = new TopicReader(cluster.bootstrapServers(), topic)) {
            end = reader.endOffsets();
            records = reader.read(Map.of());
        }
        Set<String> eventIds = new HashSet<>();
        for (ConsumerRecord<String, String> r : records) {
            JsonNode e = JSON.readTree(r.value());
            assertThat(eventIds.add(e.get("event_id").asText())).as("no duplicate on the topic").isTrue();
            Instant t = Instant.parse(e.get("event_time").asText());
            assertThat(t.toEpochMilli()).as("event time never after its send time").isLessThanOrEqualTo(
                    r.timestamp());
            byKey.computeIfAbsent(t.getEpochSecond() + " " + e.get("page_id").asText(), x -> new long[3])[2]++;
        }
        long acked = 0;
        long inDoubt = 0;
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, long[]> e : byKey.entrySet()) {
            long[] v = e.getValue();
            acked += v[0];
            inDoubt += v[1];
            if (!(v[0] <= v[2] && v[2] <= v[0] + v[1])) {
                violations.add(e.getKey() + ": acked " + v[0] + ", in doubt " + v[1] + ", on topic " + v[2]);
            }
        }
        assertThat(violations).as("acked <= on topic <= acked + in doubt").isEmpty();
        assertThat(acked).isGreaterThan(3000);
        assertThat(records.size()).isBetween((int) acked, (int) (acked + inDoubt));
        ledger.maxAckedOffsets().forEach((p, o) -> assertThat(o).isLessThan(end.get(p)));
        assertThat(ledger.maxAckedOffsets()).containsOnlyKeys(0, 1, 2);
    }
}
