package io.streamingclicks.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClickEventTest {

    @Test
    void consoleProducerSampleEventsMapThroughTheAliases() {
        // {"user_id": 1001, "timestamp": "2025-12-14T09:25:01", "page_url": "/home", "action": "view", "duration_ms": 1200}
        ClickEvent e = ClickEvent.fromFields(Map.of("user_id", 1001, "timestamp", "2025-12-14T09:25:01",
                "page_url", "/home", "action", "view", "duration_ms", 1200));

        assertThat(e.userId()).isEqualTo("1001");
        assertThat(e.pageId()).isEqualTo("/home");
        assertThat(e.eventTime()).isEqualTo(Instant.parse("2025-12-14T09:25:01Z"));
        assertThat(e.action()).isEqualTo("view");
        assertThat(e.durationMs()).isEqualTo(1200L);
        assertThat(e.eventId()).isNull();
    }

    @Test
    void theSampleFileShippedWithTheContractHoldsTheFiveConsoleEvents() throws Exception {
        try (var in = getClass().getResourceAsStream("console-sample-events.jsonl");
             var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<String> lines = reader.lines().toList();
            assertThat(lines).hasSize(5).allSatisfy(l -> assertThat(l).contains("\"page_url\"", "\"timestamp\""));
        }
    }

    @Test
    void canonicalNamesWinOverAliases() {
        ClickEvent e = ClickEvent.fromFields(Map.of("user_id", "u1", "page_id", "/a", "page_url", "/b",
                "event_time", "2026-01-01T00:00:00Z", "timestamp", "2020-01-01T00:00:00"));

        assertThat(e.pageId()).isEqualTo("/a");
        assertThat(e.eventTime()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void eventTimeWithAnOffsetIsConvertedToUtc() {
        assertThat(ClickEventContract.parseEventTime("2026-01-01T01:00:00+01:00"))
                .isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(ClickEventContract.parseEventTime("2026-01-01 00:00:00.250"))
                .isEqualTo(Instant.parse("2026-01-01T00:00:00.250Z"));
    }

    @Test
    void eachMissingRequiredFieldNamesItsQuarantineReason() {
        Map<String, Object> full = Map.of("user_id", "u", "page_id", "p", "event_time", "2026-01-01T00:00:00Z");
        assertThat(reasonWithout(full, "user_id")).isEqualTo(QuarantineReason.MISSING_USER_ID);
        assertThat(reasonWithout(full, "page_id")).isEqualTo(QuarantineReason.MISSING_PAGE_ID);
        assertThat(reasonWithout(full, "event_time")).isEqualTo(QuarantineReason.MISSING_EVENT_TIME);

        Map<String, Object> badTime = new HashMap<>(full);
        badTime.put("event_time", "yesterday");
        assertThatThrownBy(() -> ClickEvent.fromFields(badTime))
                .isInstanceOfSatisfying(InvalidClickEvent.class,
                        e -> assertThat(e.reason()).isEqualTo(QuarantineReason.BAD_EVENT_TIME));
    }

    @Test
    void toJsonWritesCanonicalFieldsInContractOrderAndEscapesText() {
        ClickEvent e = new ClickEvent("3f1c", "u\"1", "/p<script>", Instant.parse("2026-01-01T00:00:00.123456Z"),
                "click", 0L);

        assertThat(e.toJson()).isEqualTo("{\"event_id\":\"3f1c\",\"user_id\":\"u\\\"1\",\"page_id\":\"/p<script>\","
                + "\"event_time\":\"2026-01-01T00:00:00.123Z\",\"action\":\"click\",\"duration_ms\":0}");
    }

    private static QuarantineReason reasonWithout(Map<String, Object> full, String field) {
        Map<String, Object> m = new HashMap<>(full);
        m.remove(field);
        try {
            ClickEvent.fromFields(m);
            throw new AssertionError("expected " + field + " to be required");
        } catch (InvalidClickEvent e) {
            return e.reason();
        }
    }
}
