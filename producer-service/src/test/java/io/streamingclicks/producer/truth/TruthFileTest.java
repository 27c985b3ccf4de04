package io.streamingclicks.producer.truth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamingclicks.contract.ClickTruth;
import io.streamingclicks.contract.DataRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** truth.json across starts: written once, read back by a restart, a restart with other parameters refused. */
class TruthFileTest {

    @TempDir
    Path dataDir;

    static ClickTruth settings(Map<String, String> env) {
        return ClickTruth.fromSettings(s -> s.from(env), 0);
    }

    Path file() {
        return Path.of(DataRoot.of(dataDir.toString()).truth());
    }

    @Test
    void theFirstStartWritesTheCalibratedTruthAndARestartKeepsIt() throws Exception {
        AtomicInteger calibrations = new AtomicInteger();
        DoubleSupplier calibrate = () -> {
            calibrations.incrementAndGet();
            return -1.5;
        };
        ClickTruth first = TruthFile.settle(file(), settings(Map.of()), OptionalDouble.empty(), calibrate);
        assertThat(first.base()).isEqualTo(-1.5);
        assertThat(ClickTruth.fromJson(Files.readString(file()))).isEqualTo(first);
        assertThat(Files.list(file().getParent())).as("no temp file left").containsExactly(file());
        // A restart (perhaps at another rate, which would calibrate differently) keeps the file's base.
        ClickTruth again = TruthFile.settle(file(), settings(Map.of()), OptionalDouble.empty(), () -> 7);
        assertThat(again).isEqualTo(first);
        assertThat(calibrations).hasValue(1);
        assertThat(TruthFile.settle(file(), settings(Map.of()), OptionalDouble.of(-1.5), () -> 7)).isEqualTo(first);
    }

    @Test
    void aRestartWithOtherParametersIsRefusedNamingBothValues() {
        TruthFile.settle(file(), settings(Map.of()), OptionalDouble.empty(), () -> -1.5);
        assertThatThrownBy(() -> TruthFile.settle(file(), settings(Map.of("PRODUCER_CLICK_SEED", "7",
                "PRODUCER_CLICK_GAMMA", "2")), OptionalDouble.empty(), () -> -1.5))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file().toString())
                .hasMessageContaining("PRODUCER_CLICK_SEED: truth.json has 1, this start 7")
                .hasMessageContaining("PRODUCER_CLICK_GAMMA: truth.json has 1.0, this start 2.0")
                .hasMessageContaining("fresh data root");
        assertThatThrownBy(() -> TruthFile.settle(file(), settings(Map.of()), OptionalDouble.of(-1), () -> 0))
                .hasMessageContaining("PRODUCER_CLICK_BASE: truth.json has -1.5, this start -1.0");
        assertThatThrownBy(() -> TruthFile.settle(file(), settings(Map.of("PRODUCER_CLICK_MODEL", "independent")),
                OptionalDouble.empty(), () -> 0))
                .hasMessageContaining("PRODUCER_CLICK_MODEL: truth.json has propensity, this start independent");
    }

    @Test
    void independentRecordsItsModelAndNeedsNoCalibration() {
        ClickTruth t = TruthFile.settle(file(), settings(Map.of("PRODUCER_CLICK_MODEL", "independent")),
                OptionalDouble.empty(), () -> {
                    throw new AssertionError("calibrated for independent");
                });
        assertThat(TruthFile.read(file()).model()).isEqualTo(ClickTruth.Model.INDEPENDENT);
        // Its other numbers describe nothing, so they may change.
        assertThat(TruthFile.settle(file(), settings(Map.of("PRODUCER_CLICK_MODEL", "independent",
                "PRODUCER_CLICK_SEED", "9")), OptionalDouble.empty(), () -> 0)).isEqualTo(t);
    }

    @Test
    void aDamagedFileIsNamed() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "{\"version\": 1, \"model\": \"propensity\"");
        assertThatThrownBy(() -> TruthFile.settle(file(), settings(Map.of()), OptionalDouble.empty(), () -> 0))
                .hasMessageContaining("cannot use " + file());
    }
}
