package io.streamingclicks.validator.dq;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.streamingclicks.validator.fixture.StackFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code make dq}'s entry: every check once over a data root, a table, exit 0 when clean and 1 when one fails. */
class OneShotDqTest {

    @TempDir
    Path tmp;

    private String out;
    private String err;

    private int run(Path dataDir) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = OneShotDq.run(new SmallRyeConfigBuilder()
                        .withSources(new PropertiesConfigSource(Map.of("DATA_DIR", dataDir.toString()), "test", 500))
                        .build(),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    private Path fixture(String name, Consumer<StackFixture> breakIt) throws Exception {
        StackFixture f = new StackFixture(tmp.resolve(name));
        breakIt.accept(f);
        return f.write().root();
    }

    @Test
    void aCleanDataRootExitsZeroWithEveryCheckInTheTable() throws Exception {
        assertThat(run(fixture("clean", f -> { }))).as(out + err).isZero();
        assertThat(out).startsWith("check").contains("status", "measured", "threshold")
                .contains("duplicates_pv", "reconciliation_events_pv", "reconciliation_producer_kafka", "freshness")
                .doesNotContain("FAIL").contains("dq: all");
        // Nothing is written to the data root: the database is in memory.
        assertThat(tmp.resolve("clean").resolve("validator.duckdb")).doesNotExist();
    }

    @Test
    void aDuplicateKeyExitsNonZeroNamingTheCheck() throws Exception {
        assertThat(run(fixture("dup", f -> f.duplicatePvRow = true))).as(out + err).isEqualTo(1);
        assertThat(out.lines().filter(l -> l.startsWith("duplicates_pv"))).singleElement()
                .satisfies(l -> assertThat(l).contains("FAIL"));
        assertThat(out).contains("checks FAIL");
    }

    @Test
    void aMissingDataRootIsAnErrorNamingIt() {
        assertThat(run(tmp.resolve("nowhere"))).isEqualTo(2);
        assertThat(err).contains("nowhere");
    }
}
