package io.streamingclicks.producer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.streamingclicks.contract.ClickEvent;
import io.streamingclicks.contract.ClickEventContract;
import io.streamingclicks.contract.Windows;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The running service against a real 3-broker cluster: the stream, the rate, bursts, and refused requests. */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = true)
class ProducerServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TopicReader topic;

    @BeforeAll
    static void openReader() {
        topic = new TopicReader(KafkaResource.cluster().bootstrapServers(), KafkaResource.topic());
    }

    @AfterAll
    static void closeReader() {
        topic.close();
    }

    @BeforeEach
    void streamAt200PerSecond() {
        given().contentType(ContentType.JSON)
                .body("{\"rate\": 200, \"lateFraction\": 0, \"pages\": 50, \"users\": 1000, \"skew\": 1.1}")
                .put("/generator")
                .then().statusCode(200);
        given().post("/generator/start").then().statusCode(200);
    }

    @Test
    void eventsLandOnAllThreePartitionsAndMatchTheContract() throws Exception {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> topic.endOffsets().values().stream().allMatch(o -> o >= 20));
        List<ConsumerRecord<String, String>> records = topic.read(Map.of());
        assertThat(records).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2).contains(0, 1, 2);
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<String, String> r : records) {
            Map<String, Object> fields = JSON.readValue(r.value(), new TypeReference<Map<String, Object>>() { });
            assertThat(fields.keySet()).containsExactlyInAnyOrderElementsOf(ClickEventContract.FIELDS);
            ClickEvent e = ClickEvent.fromFields(fields);
            assertThat(r.key()).as("keyed by user_id").isEqualTo(e.userId());
            assertThat(UUID.fromString(e.eventId()).version()).isEqualTo(4);
            assertThat(ids.add(e.eventId())).as("event ids are unique").isTrue();
            assertThat((String) fields.get("event_time")).as("a UTC instant with Z")
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,3})?Z");
            assertThat(e.pageId()).startsWith("/");
            assertThat(e.action()).isIn("view", "click", "add_to_cart");
            assertThat(e.durationMs()).isNotNull().isGreaterThanOrEqualTo(0);
            if (!"view".equals(e.action())) {
                assertThat(e.durationMs()).isZero();
            }
            assertThat(e.eventTime().toEpochMilli()).as("event time never after the send time")
                    .isLessThanOrEqualTo(r.timestamp());
        }
    }

    @Test
    void aRetuneAtRunTimeChangesWhatIsSentWithoutARestart() {
        Map<Integer, Long> before = quiesce();
        long lateBefore = stats().getLong("lateSent");
        given().contentType(ContentType.JSON)
                .body("{\"pages\": 3, \"users\": 5, \"lateFraction\": 1, \"lateOffset\": \"-PT8M\"}")
                .put("/generator").then().statusCode(200);
        given().post("/generator/start").then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> TopicReader.total(topic.endOffsets())
                - TopicReader.total(before) >= 200);
        quiesce();
        List<ConsumerRecord<String, String>> records = topic.read(before);
        assertThat(records).hasSizeGreaterThanOrEqualTo(200);
        for (ConsumerRecord<String, String> r : records) {
            ClickEvent e = event(r.value());
            assertThat(e.pageId()).isIn("/home", "/search", "/product/p-0001");
            assertThat(Long.parseLong(e.userId())).isBetween(1001L, 1005L);
            assertThat(r.timestamp() - e.eventTime().toEpochMilli()).as("8 minutes late")
                    .isBetween(Duration.ofMinutes(8).toMillis(), Duration.ofMinutes(8).plusSeconds(5).toMillis());
        }
        assertThat(stats().getLong("lateSent") - lateBefore).isEqualTo(records.size());
    }

    @Test
    void aConfiguredRateIsHeldWithin20PercentOver10Seconds() {
        given().contentType(ContentType.JSON).body("{\"rate\": 150}").put("/generator").then().statusCode(200);
        await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
        long before = TopicReader.total(topic.endOffsets());
        long t0 = System.nanoTime();
        await().pollDelay(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(11)).until(() -> true);
        long after = TopicReader.total(topic.endOffsets());
        double seconds = (System.nanoTime() - t0) / 1e9;
        double rate = (after - before) / seconds;
        assertThat(rate).as("events/s on the topic over %.1f s", seconds).isBetween(150 * 0.8, 150 * 1.2);
    }

    @Test
    void aBurstOfNAtMinus8MinutesPutsExactlyNOnTheTopicInThePromisedRange() {
        Map<Integer, Long> before = quiesce();
        Instant clockBefore = Instant.parse(stats().getString("eventClock"));
        JsonPath answer = given().contentType(ContentType.JSON)
                .body("{\"count\": 500, \"offset\": \"-PT8M\", \"pageId\": \"/late-demo\", \"users\": 20}")
                .post("/bursts").then().statusCode(200).extract().jsonPath();
        Instant clockAfter = Instant.parse(stats().getString("eventClock"));
        assertThat(answer.getInt("acked")).isEqualTo(500);
        assertThat(answer.getInt("inDoubt") + answer.getInt("failed")).isZero();
        Instant from = Instant.parse(answer.getString("eventTimeFrom"));
        Instant to = Instant.parse(answer.getString("eventTimeTo"));
        assertThat(from).isAfterOrEqualTo(clockBefore.minus(Duration.ofMinutes(8)).minusMillis(1));
        assertThat(to).isBeforeOrEqualTo(clockAfter.minus(Duration.ofMinutes(8)));
        assertThat(answer.getList("windows.start", String.class))
                .contains(Windows.start(from, Duration.ofMinutes(5)).toString());

        Map<Integer, Long> after = topic.endOffsets();
        assertThat(TopicReader.total(after) - TopicReader.total(before)).isEqualTo(500);
        List<ConsumerRecord<String, String>> records = topic.read(before);
        assertThat(records).hasSize(500);
        for (ConsumerRecord<String, String> r : records) {
            ClickEvent e = event(r.value());
            assertThat(e.pageId()).isEqualTo("/late-demo");
            assertThat(Long.parseLong(e.userId())).isBetween(1001L, 1020L);
            assertThat(e.eventTime()).isBetween(from, to);
        }
        assertThat(given().get("/bursts").then().statusCode(200).extract().jsonPath().getString("[0].id"))
                .isEqualTo(answer.getString("id"));
    }

    @Test
    void everyClassOfBadRequestIs400NamingTheFieldAndSendsNothing() {
        Map<Integer, Long> before = quiesce();
        long sentBefore = stats().getLong("sent");
        Map<String, String> bursts = Map.ofEntries(
                Map.entry("{\"count\": 10, \"colour\": \"red\"}", "colour"),
                Map.entry("{\"count\": \"ten\"}", "count"),
                Map.entry("{\"count\": 2.5}", "count"),
                Map.entry("{\"count\": 0}", "count"),
                Map.entry("{\"count\": 100001}", "count"),
                Map.entry("{}", "count"),
                Map.entry("{\"count\": 10, \"offset\": \"-PT25H\"}", "offset"),
                Map.entry("{\"count\": 10, \"offset\": \"PT11M\"}", "offset"),
                Map.entry("{\"count\": 10, \"offset\": \"eight minutes ago\"}", "offset"),
                Map.entry("{\"count\": 10, \"offset\": 480}", "offset"),
                Map.entry("{\"count\": 10, \"users\": []}", "users"),
                Map.entry("{\"count\": 10, \"users\": 0}", "users"),
                Map.entry("{\"count\": 10, \"pageId\": \"\"}", "pageId"),
                Map.entry("{\"count\": 10", "body"),
                Map.entry("[10]", "body"));
        bursts.forEach((body, field) -> {
            JsonPath err = given().contentType(ContentType.JSON).body(body).post("/bursts").then()
                    .statusCode(400).contentType(ContentType.JSON).extract().jsonPath();
            assertThat(err.getString("field")).as(body).isEqualTo(field);
            assertThat(err.getString("allowed")).as(body).isNotBlank();
        });
        JsonPath range = given().contentType(ContentType.JSON).body("{\"count\": 100001}").post("/bursts").then()
                .statusCode(400).extract().jsonPath();
        assertThat(range.getString("allowed")).contains("1..100000");

        Map<String, String> retunes = Map.of(
                "{\"rate\": -1}", "rate",
                "{\"rate\": \"fast\"}", "rate",
                "{\"lateFraction\": 1.5}", "lateFraction",
                "{\"lateOffset\": \"PT1M\"}", "lateOffset",
                "{\"pages\": 0}", "pages",
                "{\"speed\": 2}", "speed");
        retunes.forEach((body, field) -> assertThat(given().contentType(ContentType.JSON).body(body)
                .put("/generator").then().statusCode(400).extract().jsonPath().getString("field")).as(body)
                .isEqualTo(field));
        assertThat(given().queryParam("from", "yesterday").get("/ledger").then().statusCode(400).extract()
                .jsonPath().getString("field")).isEqualTo("from");

        assertThat(topic.endOffsets()).isEqualTo(before);
        assertThat(stats().getLong("sent")).isEqualTo(sentBefore);
        assertThat(given().get("/generator").then().extract().jsonPath().getDouble("rate")).isEqualTo(200.0);
    }

    @Test
    void healthOpenApiMetricsAndLedgerAreServed() {
        given().get("/q/health/ready").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> stats().getLong("acked") > 0);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("producer_events_total{", "outcome=\"acked\"", "producer_rate_configured");
        assertThat(given().get("/q/openapi").then().statusCode(200).extract().asString())
                .contains("/bursts", "/generator", "/ledger", "/stats");
        JsonPath ledger = given().get("/ledger").then().statusCode(200).extract().jsonPath();
        assertThat(ledger.getLong("totals.acked")).isPositive();
        assertThat(ledger.getList("counts.lateness", String.class)).contains("on_time");
    }

    @Test
    void aFreshTopicGivesNoStartWarning() {
        assertThat(stats().getList("warnings", String.class)).isEmpty();
    }

    /** Stops the stream and waits until every send has been answered; returns the topic's end offsets then. */
    private static Map<Integer, Long> quiesce() {
        given().post("/generator/stop").then().statusCode(200);
        await().atMost(Duration.ofSeconds(40)).until(() -> stats().getLong("pending") == 0);
        return topic.endOffsets();
    }

    private static JsonPath stats() {
        return given().get("/stats").then().statusCode(200).extract().jsonPath();
    }

    private static ClickEvent event(String json) {
        try {
            return ClickEvent.fromFields(JSON.readValue(json, new TypeReference<Map<String, Object>>() { }));
        } catch (Exception e) {
            throw new AssertionError(json, e);
        }
    }
}
