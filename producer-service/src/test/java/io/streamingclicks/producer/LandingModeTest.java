package io.streamingclicks.producer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.streamingclicks.accounting.ledger.LedgerCounts;
import io.streamingclicks.accounting.ledger.LedgerSummary;
import io.streamingclicks.contract.ClickEvent;
import io.streamingclicks.contract.DataRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code PRODUCER_SINK=landing}, with no broker at all: the same events as JSON-lines files rolled every second into
 * {@code DATA_DIR/landing}, each renamed into place whole; a burst is answered once its file is renamed; the ledger's
 * acked count equals the lines in the renamed files.
 */
@QuarkusTest
@TestProfile(LandingModeTest.Landing.class)
class LandingModeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path DATA_DIR;

    static {
        try {
            DATA_DIR = Files.createTempDirectory("producer-landing-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Landing mode, and a bootstrap address nothing listens on: Kafka must not be needed. */
    public static class Landing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("PRODUCER_SINK", "landing", "DATA_DIR", DATA_DIR.toString(),
                    "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", "kafka.bootstrap.servers", "127.0.0.1:1",
                    "PRODUCER_RATE", "200");
        }
    }

    private static Path landing() {
        return Path.of(DataRoot.of(DATA_DIR.toString()).landing());
    }

    /** The renamed files, oldest first. */
    private static List<Path> files() {
        try (Stream<Path> s = Files.list(landing())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jsonl")
                    && !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<ClickEvent> events() throws IOException {
        List<ClickEvent> out = new ArrayList<>();
        for (Path f : files()) {
            String text = Files.readString(f);
            assertThat(text).as("%s ends with a whole line", f).endsWith("\n");
            for (String line : text.split("\n")) {
                out.add(ClickEvent.fromFields(JSON.readValue(line, new TypeReference<Map<String, Object>>() { })));
            }
        }
        return out;
    }

    @Test
    void eventsLandAsWholeFilesAndTheLedgerCountsThem() throws IOException {
        given().get("/q/health/ready").then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> files().size() >= 3);

        JsonPath burst = given().contentType(ContentType.JSON)
                .body("{\"count\": 300, \"offset\": \"-PT8M\", \"pageId\": \"/landing-burst\"}")
                .post("/bursts").then().statusCode(200).extract().jsonPath();
        assertThat(burst.getLong("acked")).isEqualTo(300);
        // Answered means renamed: the burst's events are already in visible files.
        assertThat(events()).filteredOn(e -> e.pageId().equals("/landing-burst")).hasSize(300);

        given().post("/generator/stop").then().statusCode(200);
        List<ClickEvent> events = events();
        Set<String> ids = new HashSet<>();
        events.forEach(e -> assertThat(ids.add(e.eventId())).as("event ids are unique").isTrue());
        // One file per roll (1 s): never one file per event.
        assertThat(files().size()).isLessThan(events.size() / 10);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            LedgerSummary ledger = LedgerSummary.readAll(Path.of(DataRoot.of(DATA_DIR.toString()).ledger()));
            long acked = ledger.counts().values().stream().mapToLong(LedgerCounts::acked).sum();
            assertThat(acked).isEqualTo(events().size());
        });
        try (Stream<Path> s = Files.list(landing())) {
            assertThat(s.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }
}
