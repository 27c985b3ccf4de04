package io.streamingclicks.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract file is read by java.util.Properties and by GNU Make: both must see the same values, all of them used. */
class ContractFileTest {

    private static final Path FILE = Path.of("src/main/resources" + ContractFile.RESOURCE);

    @Test
    void everyKeyInTheFileIsReadByDefaultsAndNoneIsMissing() {
        // Initialising these reads every value they default from; a missing key would have thrown here.
        assertThat(Setting.values()).isNotEmpty();
        assertThat(DataRoot.Sink.values()).isNotEmpty();
        assertThat(Defaults.WINDOW).isPositive();

        assertThat(ContractFile.keysRead()).as("keys Defaults reads").isEqualTo(ContractFile.keys());
        assertThat(Defaults.SINKS).as("CONTRACT_SINKS lists DataRoot.Sink, no more")
                .containsExactlyElementsOf(Arrays.stream(DataRoot.Sink.values()).map(DataRoot.Sink::dir).toList());
    }

    @Test
    void everyLineIsOneThatMakeAndPropertiesReadAlike() throws IOException {
        // No spaces around '=', no quotes, '$' (Make expands it) or '\' (Properties escapes with it), no trailing blanks.
        assertThat(Files.readAllLines(FILE, StandardCharsets.UTF_8))
                .allSatisfy(line -> assertThat(line).matches("|#.*|CONTRACT_[A-Z0-9_]+=[A-Za-z0-9_.,:/+-]+"));
    }

    @Test
    void makeIncludingTheFileSeesTheValuesJavaSees(@TempDir Path dir) throws Exception {
        Path makefile = dir.resolve("Makefile");
        String infos = ContractFile.keys().stream().map(k -> "$(info " + k + "=$(" + k + "))")
                .collect(Collectors.joining("\n"));
        Files.writeString(makefile, "include " + FILE.toAbsolutePath() + "\n" + infos + "\nall: ;@:\n");
        Process make;
        try {
            make = new ProcessBuilder("make", "-s", "-f", makefile.toString()).redirectErrorStream(true).start();
        } catch (IOException noMake) {
            org.junit.jupiter.api.Assumptions.abort("GNU make is not installed: " + noMake.getMessage());
            return;
        }
        assertThat(make.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> lines = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(make.exitValue()).as("make output: %s", lines).isZero();

        Map<String, String> seenByMake = new LinkedHashMap<>();
        lines.forEach(l -> seenByMake.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        // Read apart from ContractFile, so this test marks no key as read by Defaults.
        Properties seenByJava = new Properties();
        try (var in = Files.newBufferedReader(FILE, StandardCharsets.UTF_8)) {
            seenByJava.load(in);
        }
        assertThat(seenByMake).isEqualTo(seenByJava);
    }
}
