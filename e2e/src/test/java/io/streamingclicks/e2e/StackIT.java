package io.streamingclicks.e2e;

import static io.streamingclicks.e2e.ComposeStack.log;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.streamingclicks.contract.ClickEventContract;
import io.streamingclicks.contract.Defaults;

/**
 * The stack as users run it (`make up`): the real docker-compose.yml, 3 brokers, producer, the job in local mode,
 * validator. One project for the class; the tests run in order on it, each leaving it healthy.
 * Windows and watermark are 1 minute here so that a window seals within about two minutes of real time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackIT {

    private static final String TOPIC = "clickstream_events";
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static ComposeStack stack;

    @BeforeAll
    static void up() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("WINDOW_DURATION", "PT1M");
        settings.put("WATERMARK_DELAY", "PT1M");
        settings.put("PRODUCER_BACKFILL", "PT6M");
        settings.put("PRODUCER_SPEED", "12");
        settings.put("PRODUCER_LATE_FRACTION", "0");
        settings.put("JOB_TOPN", "5");
        settings.put("VALIDATOR_CHECK_INTERVAL", "10s");
        stack = new ComposeStack("sc-e2e-stack", List.of("producer", "validator", "spark"), settings).start();
    }

    @AfterAll
    static void down() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void comesUpHealthyAndServesSealedWindowsAndTopN() {
        await("sealed windows from the validator").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(5))
                .until(() -> stack.validator("/api/windows").path("windows").size() >= 2);
        JsonNode windows = stack.validator("/api/windows").path("windows");
        JsonNode last = windows.get(windows.size() - 1);
        assertThat(last.path("uv").asLong()).isPositive();
        assertThat(last.path("pv").asLong()).isGreaterThanOrEqualTo(last.path("uv").asLong());

        JsonNode topn = stack.validator("/api/topn?n=5&window=" + last.path("window_start").asText());
        assertThat(topn.path("pages")).hasSize(5);
        List<Long> pvs = new ArrayList<>();
        topn.path("pages").forEach(p -> pvs.add(p.path("pv").asLong()));
        assertThat(pvs).isSortedAccordingTo((a, b) -> Long.compare(b, a));

        // The job's streaming Top-N (parquet/topn) agrees with the Top-N computed from pv, by the validator.
        await("validator checks after the first topn commit").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(5))
                .until(() -> stack.checks().getOrDefault("topn_vs_pv", ComposeStack.JSON.nullNode())
                        .path("detail").asText("").matches("0 of [1-9].*"));
        // The latest result of each check may come from a run before the first window was sealed: wait for a run
        // after it, then no check may fail.
        Instant sealedSeen = Instant.now();
        await("validator checks after the first sealed window").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(5))
                .until(() -> stack.checks().values().stream()
                        .allMatch(c -> Instant.parse(c.path("checkedAt").asText()).isAfter(sealedSeen)));
        Map<String, JsonNode> checks = stack.checks();
        log("checks: %s", ComposeStack.summary(checks));
        assertThat(checks.get("topn_vs_pv").path("status").asText()).isEqualTo("pass");
        assertThat(ComposeStack.failed(checks)).as("failed checks").isEmpty();
    }

    @Test
    @Order(2)
    void lateBurstBeforeTheWatermarkIsCountedOneBeyondItIsDroppedAndNamed() {
        JsonNode inside = stack.burst(200, "-PT30S", "/e2e/inside");
        JsonNode beyond = stack.burst(150, "-PT5M", "/e2e/beyond");
        assertThat(inside.path("acked").asInt()).isEqualTo(200);
        assertThat(beyond.path("acked").asInt()).isEqualTo(150);
        Instant insideWindow = Instant.parse(inside.path("windows").get(0).path("start").asText());
        Instant insideEnd = insideWindow.plus(WINDOW);

        await("the watermark passes the inside burst's window").atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(5))
                .until(() -> sealedAfter(insideEnd));
        JsonNode topn = stack.validator("/api/topn?n=1000&window=" + insideWindow);
        long insidePv = 0;
        for (JsonNode p : topn.path("pages")) {
            if (p.path("page_id").asText().equals("/e2e/inside")) {
                insidePv = p.path("pv").asLong();
            }
        }
        assertThat(insidePv).as("pv of /e2e/inside in " + insideWindow).isEqualTo(200);

        // Dropped: none of /e2e/beyond in any pv row; the accounting names them (docs/accounting.md, link 3).
        await("the validator has accounted the dropped events").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(5))
                .until(() -> stack.validator("/api/pipeline").path("late_events_total").asLong() >= 150);
        JsonNode pipeline = stack.validator("/api/pipeline");
        assertThat(pipeline.path("late_events_total").asLong()).isEqualTo(150);
        assertThat(pipeline.path("late_events")).isNotEmpty();
        pipeline.path("late_events").forEach(e -> assertThat(e.path("page_id").asText()).isEqualTo("/e2e/beyond"));
        Instant beyondWindow = Instant.parse(beyond.path("windows").get(0).path("start").asText());
        for (JsonNode p : stack.validator("/api/topn?n=1000&window=" + beyondWindow).path("pages")) {
            assertThat(p.path("page_id").asText()).isNotEqualTo("/e2e/beyond");
        }
        Map<String, JsonNode> checks = stack.checks();
        assertThat(checks.get("reconciliation_events_pv").path("status").asText()).isEqualTo("pass");
        assertThat(checks.get("reconciliation_events_pv").path("detail").asText()).contains("150 events dropped as late");
        log("late: %s", checks.get("reconciliation_events_pv").path("detail").asText());
    }

    @Test
    @Order(3)
    void sparkKilledWithABatchInFlightRecoversWithoutRewritingOrDuplicating() {
        Map<String, String> before = sealedWindows();
        long inFlight = -1;
        for (int attempt = 1; attempt <= 10 && inFlight < 0; attempt++) {
            long[] oc = waitForBatchStart(Duration.ofSeconds(30));
            stack.kill("spark");
            long[] after = offsetsAndCommits();
            log("attempt %d: offsets/%d, commits/%d when killed", attempt, after[0], after[1]);
            if (after[0] > after[1]) {
                inFlight = after[0];
            } else {
                stack.startAgain("spark");
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> stack.healthy("spark"));
            }
        }
        assertThat(inFlight).as("a kill with offsets/N written and commits/N not").isNotNegative();

        Instant restarted = Instant.now();
        stack.startAgain("spark");
        long batch = inFlight;
        await("the batch in flight re-run and committed").atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(3)).until(() -> offsetsAndCommits()[1] >= batch);
        await("validator checks after the restart").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(5))
                .until(() -> stack.checks().values().stream()
                        .allMatch(c -> Instant.parse(c.path("checkedAt").asText()).isAfter(restarted.plusSeconds(20))));
        Map<String, JsonNode> checks = stack.checks();
        log("checks after recovery: %s", ComposeStack.summary(checks));
        for (String c : List.of("duplicates_uv", "duplicates_pv", "event_id_unique", "committed_files_present",
                "reconciliation_kafka_events", "reconciliation_events_pv", "reconciliation_producer_kafka")) {
            assertThat(checks.get(c).path("status").asText()).as(c + ": " + checks.get(c).path("detail").asText())
                    .isEqualTo("pass");
        }
        Map<String, String> afterKill = sealedWindows();
        for (var e : before.entrySet()) {
            assertThat(afterKill.get(e.getKey())).as("window " + e.getKey() + " after recovery").isEqualTo(e.getValue());
        }
    }

    @Test
    @Order(4)
    void killingThePartitionLeaderWhileProducingLosesNoAcknowledgedEvent() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            int leader = describe(admin).partitions().get(0).leader().id();
            stack.kill("kafka-" + leader);
            JsonNode burst = stack.burst(2000, "-PT10S", "/e2e/broker-kill");
            long acked = burst.path("acked").asLong();
            long inDoubt = burst.path("inDoubt").asLong();
            assertThat(acked).as("acks=all with min.insync.replicas=2 and one of three brokers down").isEqualTo(2000);

            stack.startAgain("kafka-" + leader);
            await("broker " + leader + " back in every ISR").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(2)).ignoreExceptions()
                    .until(() -> describe(admin).partitions().stream().allMatch(p -> p.isr().size() == 3));

            Map<String, Integer> ids = new TreeMap<>();
            for (ConsumerRecord<String, String> r : readAll()) {
                JsonNode v = ComposeStack.JSON.readTree(r.value());
                if ("/e2e/broker-kill".equals(v.path(ClickEventContract.PAGE_ID).asText())) {
                    ids.merge(v.path(ClickEventContract.EVENT_ID).asText(), 1, Integer::sum);
                }
            }
            assertThat(ids.size()).as("events of the burst on the topic").isBetween((int) acked, (int) (acked + inDoubt));
            assertThat(ids.values().stream().filter(n -> n > 1).count()).as("event ids on the topic twice").isZero();
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private static boolean sealedAfter(Instant t) {
        String s = stack.validator("/api/windows").path("sealed_watermark").asText(null);
        return s != null && !s.equals("null") && !Instant.parse(s).isBefore(t);
    }

    /** window_start -> "uv/pv" of every sealed window the validator serves. */
    private static Map<String, String> sealedWindows() {
        Map<String, String> out = new TreeMap<>();
        stack.validator("/api/windows?limit=1000").path("windows").forEach(w ->
                out.put(w.path("window_start").asText(), w.path("uv").asText() + "/" + w.path("pv").asText()));
        return out;
    }

    /** [highest offsets/N, highest commits/N] of the windows query, read in the validator's container. */
    private static long[] offsetsAndCommits() {
        String out = stack.exec("validator", "bash", "-c",
                "ls /data/chk/windows/offsets | grep -E '^[0-9]+$' | sort -n | tail -1; echo /; "
                        + "ls /data/chk/windows/commits | grep -E '^[0-9]+$' | sort -n | tail -1");
        String[] parts = out.split("/");
        return new long[] {parseOr(parts[0]), parseOr(parts.length > 1 ? parts[1] : "")};
    }

    private static long parseOr(String s) {
        String t = s.trim();
        return t.isEmpty() ? -1 : Long.parseLong(t);
    }

    /** Polls until the windows query has started a batch it has not committed yet (offsets/N without commits/N). */
    private static long[] waitForBatchStart(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        long[] oc = offsetsAndCommits();
        while (System.nanoTime() < deadline) {
            oc = offsetsAndCommits();
            if (oc[0] > oc[1]) {
                return oc;
            }
        }
        return oc;
    }

    private static TopicDescription describe(Admin admin) throws Exception {
        return admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
    }

    private static List<ConsumerRecord<String, String>> readAll() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < Defaults.TOPIC_PARTITIONS; i++) {
                tps.add(new TopicPartition(TOPIC, i));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            Set<TopicPartition> done = new HashSet<>();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (done.size() < tps.size() && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
                for (TopicPartition tp : tps) {
                    if (c.position(tp) >= end.get(tp)) {
                        done.add(tp);
                    }
                }
            }
        }
        return out;
    }
}
