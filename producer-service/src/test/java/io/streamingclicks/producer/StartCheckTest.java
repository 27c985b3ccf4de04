package io.streamingclicks.producer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.streamingclicks.contract.ClickEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A topic kept from an earlier stack on a fresh data root: it holds an event an hour later than where a 3-hour
 * backfill starts the clock, so the job would drop that hour as late. The producer says so at start, naming the
 * event's time, in {@code GET /stats} (a fresh topic gives no warning: {@code ProducerServiceTest}).
 */
@QuarkusTest
@QuarkusTestResource(value = StartCheckTest.AheadTopic.class, restrictToAnnotatedClass = true)
class StartCheckTest {

    private static final Duration BACKFILL = Duration.ofHours(3);
    static Instant ahead;

    /** The real cluster and a random topic ({@link KafkaResource}), with one event already on it, then a backfill. */
    public static class AheadTopic extends KafkaResource {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            ahead = Instant.now().minus(BACKFILL).plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster().bootstrapServers());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, String> earlier = new KafkaProducer<>(p, new StringSerializer(),
                    new StringSerializer())) {
                ClickEvent e = new ClickEvent(UUID.randomUUID().toString(), "1001", "/home", ahead, "view", 0L);
                earlier.send(new ProducerRecord<>(topic(), e.userId(), e.toJson())).get();
            } catch (Exception e) {
                throw new IllegalStateException("cannot put the earlier event on " + topic(), e);
            }
            config.put("PRODUCER_BACKFILL", BACKFILL.toString());
            return config;
        }
    }

    @Test
    void aTopicAheadOfTheClockIsNamedInStats() {
        List<String> warnings = given().get("/stats").then().statusCode(200).extract().jsonPath()
                .getList("warnings", String.class);
        assertThat(warnings).singleElement().asString()
                .contains("already holds events up to " + ahead)
                .contains("dropped", "as late");
    }
}
