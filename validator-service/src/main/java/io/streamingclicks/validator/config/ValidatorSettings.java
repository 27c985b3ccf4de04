package io.streamingclicks.validator.config;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.contract.Durations;
import io.streamingclicks.contract.OutputFormat;
import io.streamingclicks.contract.Setting;
import io.streamingclicks.contract.UvPrecision;
import io.streamingclicks.contract.Warehouse;

/**
 * The stack-wide settings the validator reads, by their environment names and with their defaults from the contract
 * ({@link Setting}); MicroProfile Config resolves each name from the environment, system properties or
 * {@code application.properties}. Bad values fail start-up naming the setting.
 */
@ApplicationScoped
public class ValidatorSettings {

    private final Path dataDir;
    private final Duration window;
    private final Duration watermarkDelay;
    private final double uvRsd;
    private final OutputFormat outputFormat;
    private final Duration snapshotRetention;

    @Inject
    public ValidatorSettings(Config config) {
        this.dataDir = Path.of(DataRoot.of(get(config, Setting.DATA_DIR)).root()).toAbsolutePath().normalize();
        this.window = Durations.parsePositive(Setting.WINDOW_DURATION.name(), get(config, Setting.WINDOW_DURATION));
        this.watermarkDelay = Durations.parse(Setting.WATERMARK_DELAY.name(), get(config, Setting.WATERMARK_DELAY));
        String rsd = get(config, Setting.UV_RSD);
        try {
            this.uvRsd = Double.parseDouble(rsd);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("UV_RSD must be a number in [" + UvPrecision.MIN_RSD + ", "
                    + UvPrecision.MAX_RSD + "], got '" + rsd + "'");
        }
        UvPrecision.lgK(uvRsd); // the job's range: refused with the same message
        this.outputFormat = OutputFormat.parse(get(config, Setting.OUTPUT_FORMAT));
        this.snapshotRetention = Durations.parse(Setting.ICEBERG_SNAPSHOT_RETENTION.name(),
                get(config, Setting.ICEBERG_SNAPSHOT_RETENTION));
    }

    private static String get(Config config, Setting s) {
        return config.getOptionalValue(s.name(), String.class).filter(v -> !v.isBlank()).orElse(s.defaultValue());
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path output(DataRoot.Sink sink) {
        return dataDir.resolve(DataRoot.PARQUET).resolve(sink.dir());
    }

    /** How the job stores its outputs: where the committed files of each sink are read from. */
    public OutputFormat outputFormat() {
        return outputFormat;
    }

    /** The Iceberg warehouse ({@link Warehouse}): the catalog file and one directory per table. */
    public Path warehouse() {
        return dataDir.resolve(Warehouse.DIR);
    }

    /**
     * How long the job's compaction keeps Iceberg snapshots ({@code ICEBERG_SNAPSHOT_RETENTION}): named when a time
     * travel reaches further back. The validator expires nothing itself.
     */
    public Duration snapshotRetention() {
        return snapshotRetention;
    }

    public Path checkpoint(DataRoot.Query query) {
        return dataDir.resolve(DataRoot.CHECKPOINTS).resolve(query.dir());
    }

    public Path progress() {
        return dataDir.resolve(DataRoot.PROGRESS);
    }

    public Path landing() {
        return dataDir.resolve(DataRoot.LANDING);
    }

    public Path ledger() {
        return dataDir.resolve(DataRoot.LEDGER);
    }

    public Path validatorDb() {
        return dataDir.resolve(DataRoot.VALIDATOR_DB);
    }

    public Duration window() {
        return window;
    }

    public Duration watermarkDelay() {
        return watermarkDelay;
    }

    public double uvRsd() {
        return uvRsd;
    }
}
