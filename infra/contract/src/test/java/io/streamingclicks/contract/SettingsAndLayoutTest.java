package io.streamingclicks.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsAndLayoutTest {

    @Test
    void settingsFallBackToTheirDefaultsAndHonourTheEnvironment() {
        assertThat(Setting.KAFKA_TOPIC.from(Map.of())).isEqualTo("clickstream_events");
        assertThat(Setting.KAFKA_TOPIC.from(Map.of("KAFKA_TOPIC", " other "))).isEqualTo("other");
        assertThat(Setting.DATA_DIR.from(Map.of("DATA_DIR", ""))).isEqualTo("data");
        assertThat(Durations.parse("WINDOW_DURATION", Setting.WINDOW_DURATION.defaultValue())).isEqualTo(Defaults.WINDOW);
        assertThat(Durations.parse("WATERMARK_DELAY", Setting.WATERMARK_DELAY.defaultValue()))
                .isEqualTo(Defaults.WATERMARK);
        assertThat(Double.parseDouble(Setting.UV_RSD.defaultValue())).isEqualTo(Defaults.UV_RSD);
    }

    @Test
    void durationsAcceptIsoAndSparkWordsAndNameTheSettingWhenBad() {
        assertThat(Durations.parse("X", "-PT8M")).isEqualTo(Duration.ofMinutes(-8));
        assertThat(Durations.parse("X", "5 minutes")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("X", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("X", "500 ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.toSparkInterval(Duration.ofMinutes(5))).isEqualTo("300 seconds");
        assertThat(Durations.toSparkInterval(Duration.ofMillis(1500))).isEqualTo("1500 milliseconds");
        assertThatThrownBy(() -> Durations.parse("WINDOW_DURATION", "five"))
                .hasMessageContaining("WINDOW_DURATION").hasMessageContaining("'five'");
        assertThatThrownBy(() -> Durations.parsePositive("WINDOW_DURATION", "PT0S"))
                .hasMessageContaining("positive");
    }

    @Test
    void windowsAreAlignedToTheEpoch() {
        Instant t = Instant.parse("2025-12-14T09:27:31Z");
        assertThat(Windows.start(t, Duration.ofMinutes(5))).isEqualTo(Instant.parse("2025-12-14T09:25:00Z"));
        assertThat(Windows.end(t, Duration.ofMinutes(5))).isEqualTo(Instant.parse("2025-12-14T09:30:00Z"));
        assertThat(Windows.start(Instant.parse("1969-12-31T23:58:00Z"), Duration.ofMinutes(5)))
                .isEqualTo(Instant.parse("1969-12-31T23:55:00Z"));
    }

    @Test
    void dataRootLaysOutOneOutputPerSinkAndOneCheckpointPerQuery() {
        DataRoot root = DataRoot.of("hdfs://nn:8020/clicks/");
        assertThat(root.output(DataRoot.Sink.PV)).isEqualTo("hdfs://nn:8020/clicks/parquet/pv");
        assertThat(root.checkpoint(DataRoot.Query.WINDOWS)).isEqualTo("hdfs://nn:8020/clicks/chk/windows");
        assertThat(DataRoot.Query.INGEST.sinks()).containsExactly(DataRoot.Sink.EVENTS, DataRoot.Sink.QUARANTINE);
        assertThat(DataRoot.Query.WINDOWS.sinks())
                .containsExactly(DataRoot.Sink.UV, DataRoot.Sink.PV, DataRoot.Sink.TOPN);
        assertThat(DataRoot.of("data").ledger()).isEqualTo("data/ledger");
        assertThatThrownBy(() -> DataRoot.of(" ")).hasMessageContaining("DATA_DIR");
    }

    @Test
    void uvRsdMapsToTheSketchSizeSparkAccepts() {
        assertThat(UvPrecision.lgK(0.01)).isEqualTo(14);
        assertThat(UvPrecision.sigma(14)).isCloseTo(0.0081, org.assertj.core.data.Offset.offset(0.0001));
        assertThat(UvPrecision.lgK(UvPrecision.MAX_RSD)).isEqualTo(4);
        assertThat(UvPrecision.lgK(UvPrecision.MIN_RSD)).isEqualTo(21);
        assertThatThrownBy(() -> UvPrecision.lgK(0.3)).hasMessageContaining("UV_RSD").hasMessageContaining("0.26");
        assertThatThrownBy(() -> UvPrecision.lgK(0.0009)).hasMessageContaining("[0.001, 0.26]");
    }
}
