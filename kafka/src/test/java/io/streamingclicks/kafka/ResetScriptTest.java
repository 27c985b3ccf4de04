package io.streamingclicks.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make reset}'s script on a temporary data root and broker folder, with no broker and no stack to stop
 * (RESET_STOP=true): the paths that decide whether anything is deleted.
 */
class ResetScriptTest {

    @TempDir
    Path tmp;
    Path data;
    Path runDir;

    @BeforeEach
    void someDataAndBrokerFiles() throws IOException {
        data = Files.createDirectories(tmp.resolve("data/ledger"));
        Files.writeString(data.resolve("2025-12-14.jsonl"), "{}\n");
        data = data.getParent();
        runDir = tmp.resolve("run");
        Files.createDirectories(runDir.resolve("kafka/node-1/data"));
    }

    @Test
    void withoutATerminalOrForceItDeletesNothingAndSaysHowToProceed() throws Exception {
        Result r = reset(Map.of("DATA_DIR", data.toString()));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.output()).contains("FORCE=1").contains(data.toString()).contains("nothing deleted");
        assertThat(data.resolve("ledger/2025-12-14.jsonl")).exists();
        assertThat(runDir.resolve("kafka/node-1/data")).exists();
    }

    @Test
    void withForceItDeletesTheDataRootAndTheBrokersData() throws Exception {
        Result r = reset(Map.of("DATA_DIR", data.toString(), "FORCE", "1"));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(data).doesNotExist();
        assertThat(runDir.resolve("kafka")).doesNotExist();
        assertThat(runDir).exists();
    }

    @Test
    void itRefusesADataRootThatIsNotALocalPathEvenWithForce() throws Exception {
        for (String uri : new String[] {"s3a://bucket/clicks", "hdfs://nn:8020/clicks", "file://" + data}) {
            Result r = reset(Map.of("DATA_DIR", uri, "FORCE", "1"));
            assertThat(r.exit()).as(uri).isEqualTo(2);
            assertThat(r.output()).contains(uri).contains("not a local path");
        }
        assertThat(data.resolve("ledger/2025-12-14.jsonl")).exists();
        assertThat(runDir.resolve("kafka")).exists();
    }

    private Result reset(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", script().toString()).redirectErrorStream(true);
        pb.environment().remove("FORCE");
        pb.environment().putAll(Map.of("STACK", "local", "RUN_DIR", runDir.toString(), "RESET_STOP", "true"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close(); // stdin is a pipe, not a terminal
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private static Path script() {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("infra/bin/reset.sh"))) {
                return dir.resolve("infra/bin/reset.sh");
            }
        }
        throw new IllegalStateException("infra/bin/reset.sh not found above " + Paths.get("").toAbsolutePath());
    }

    private record Result(int exit, String output) {
    }
}
