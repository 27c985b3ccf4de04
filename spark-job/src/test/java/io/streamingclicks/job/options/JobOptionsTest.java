package io.streamingclicks.job.options;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.contract.OutputFormat;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobOptionsTest {

    @Test
    void defaultsComeFromTheContractAndTheEnvironmentOverridesThem() {
        JobOptions d = JobOptions.parse(new String[0], Map.of());
        assertThat(d.window()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.watermark()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.uvRsd()).isEqualTo(0.01);
        assertThat(d.topic()).isEqualTo("clickstream_events");
        assertThat(d.output(Sink.PV)).isEqualTo("data/parquet/pv");
        assertThat(d.checkpoint(DataRoot.Query.WINDOWS)).isEqualTo("data/chk/windows");
        assertThat(d.lgK()).isEqualTo(14);
        assertThat(d.startingOffsets()).isEqualTo("earliest");
        assertThat(d.trigger()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.maxFutureSkew()).isEqualTo(Duration.ofMinutes(10));
        assertThat(d.kafkaMinPartitions()).isZero();

        JobOptions env = JobOptions.parse(new String[0],
                Map.of("WINDOW_DURATION", "10 seconds", "DATA_DIR", "/srv/clicks", "KAFKA_TOPIC", "t1",
                        "JOB_KAFKA_MIN_PARTITIONS", "6"));
        assertThat(env.window()).isEqualTo(Duration.ofSeconds(10));
        assertThat(env.output(Sink.UV)).isEqualTo("/srv/clicks/parquet/uv");
        assertThat(env.topic()).isEqualTo("t1");
        assertThat(env.kafkaMinPartitions()).isEqualTo(6);
    }

    @Test
    void theCommandLineOverridesTheEnvironment() {
        JobOptions o = JobOptions.parse(new String[] {"--window=PT1M", "--uv-rsd", "0.05", "--console"},
                Map.of("WINDOW_DURATION", "PT10M"));
        assertThat(o.window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(o.uvRsd()).isEqualTo(0.05);
        assertThat(o.console()).isTrue();
    }

    @Test
    void theFormatChoosesTheTriggersUnlessTheyAreSet() {
        JobOptions parquet = JobOptions.parse(new String[0], Map.of());
        assertThat(parquet.format()).isEqualTo(OutputFormat.PARQUET);
        assertThat(parquet.iceberg()).isFalse();
        assertThat(parquet.windowsTrigger()).isEqualTo(Duration.ofSeconds(5));

        JobOptions iceberg = JobOptions.parse(new String[0], Map.of("OUTPUT_FORMAT", "iceberg"));
        assertThat(iceberg.iceberg()).isTrue();
        assertThat(iceberg.trigger()).isEqualTo(JobOptions.ICEBERG_TRIGGER);
        assertThat(iceberg.windowsTrigger()).isEqualTo(JobOptions.ICEBERG_TRIGGER);

        JobOptions set = JobOptions.parse(new String[] {"--format", "ICEBERG", "--trigger", "PT10S",
                "--windows-trigger", "1 minute"}, Map.of());
        assertThat(set.trigger()).isEqualTo(Duration.ofSeconds(10));
        assertThat(set.windowsTrigger()).isEqualTo(Duration.ofMinutes(1));
        assertThat(JobOptions.parse(new String[] {"--trigger", "2s"}, Map.of("OUTPUT_FORMAT", "iceberg"))
                .windowsTrigger()).isEqualTo(Duration.ofSeconds(2));

        assertThatThrownBy(() -> JobOptions.parse(new String[] {"--format", "delta"}, Map.of()))
                .isInstanceOf(UsageException.class).hasMessageContaining("--format")
                .hasMessageContaining("parquet, iceberg").hasMessageContaining("'delta'");
    }

    @Test
    void aBadOptionNamesItselfAndWhatIsAccepted() {
        assertThatThrownBy(() -> JobOptions.parse(new String[] {"--windwo", "PT1M"}, Map.of()))
                .isInstanceOf(UsageException.class).hasMessageContaining("unknown option --windwo");
        assertThatThrownBy(() -> JobOptions.parse(new String[] {"--uv-rsd", "0.5"}, Map.of()))
                .isInstanceOf(UsageException.class).hasMessageContaining("UV_RSD").hasMessageContaining("0.26");
        assertThatThrownBy(() -> JobOptions.parse(new String[] {"--uv-rsd", "0.3"}, Map.of()))
                .isInstanceOf(UsageException.class).hasMessageContaining("[0.001, 0.26]")
                .hasMessageContaining("accepted by the previous version");
        assertThatThrownBy(() -> JobOptions.parse(new String[] {"--sinks", "pv,quarantine"}, Map.of()))
                .isInstanceOf(UsageException.class).hasMessageContaining("without events");
        assertThatThrownBy(() -> JobOptions.parse(new String[0], Map.of("WATERMARK_DELAY", "soon")))
                .isInstanceOf(UsageException.class).hasMessageContaining("WATERMARK_DELAY");
        assertThatThrownBy(() -> JobOptions.parse(new String[] {"--kafka-min-partitions", "-1"}, Map.of()))
                .isInstanceOf(UsageException.class).hasMessageContaining("JOB_KAFKA_MIN_PARTITIONS");
        assertThatThrownBy(() -> JobOptions.parse(new String[] {"--sinks", "uv,topn"}, Map.of()))
                .isInstanceOf(UsageException.class).hasMessageContaining("unknown sink 'topn'");
        assertThat(JobOptions.usage()).contains("--window", "WINDOW_DURATION", "PT5M", "--sinks");
    }

    @Test
    void maintenanceRunsInTheJobOnlyWithTheIcebergFormatAndANonZeroInterval() {
        JobOptions d = JobOptions.parse(new String[0], Map.of("OUTPUT_FORMAT", "iceberg"));
        assertThat(d.compactEvery()).isEqualTo(Duration.ofHours(1));
        assertThat(d.snapshotRetention()).isEqualTo(Duration.ofHours(6));
        assertThat(d.compactsInJob()).isTrue();
        assertThat(JobOptions.parse(new String[0], Map.of()).compactsInJob()).as("parquet").isFalse();

        JobOptions off = JobOptions.parse(new String[] {"--compact-every", "PT0S", "--snapshot-retention", "30 minutes"},
                Map.of("OUTPUT_FORMAT", "iceberg", "ICEBERG_COMPACT_INTERVAL", "PT10M"));
        assertThat(off.compactsInJob()).isFalse();
        assertThat(off.snapshotRetention()).isEqualTo(Duration.ofMinutes(30));
        assertThat(JobOptions.parse(new String[0], Map.of("ICEBERG_COMPACT_INTERVAL", "PT10M")).compactEvery())
                .isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> JobOptions.parse(new String[] {"--snapshot-retention", "-PT1H"}, Map.of()))
                .isInstanceOf(UsageException.class).hasMessageContaining("ICEBERG_SNAPSHOT_RETENTION");
        assertThat(JobOptions.usage()).contains(JobOptions.COMPACT, "--compact-every", "ICEBERG_COMPACT_INTERVAL",
                "--snapshot-retention", "ICEBERG_SNAPSHOT_RETENTION");
    }
}
