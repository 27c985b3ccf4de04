package io.streamingclicks.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract file is read by java.util.Properties, GNU Make and bash: all must see the same values, all of them used.
 */
class ContractFileTest {

    private static final Path FILE = Path.of("src/main/resources" + ContractFile.RESOURCE);

    @Test
    void everyKeyInTheFileIsReadByDefaultsAndNoneIsMissing() {
        // Initialising these reads every value they default from; a missing key would have thrown here.
        assertThat(Setting.values()).isNotEmpty();
        assertThat(DataRoot.Sink.values()).isNotEmpty();
        assertThat(DataRoot.Query.values()).isNotEmpty();
        assertThat(Defaults.WINDOW).isPositive();

        assertThat(ContractFile.keysRead()).as("keys Defaults reads").isEqualTo(ContractFile.keys());
        assertThat(Defaults.SINKS).as("CONTRACT_SINKS lists DataRoot.Sink, no more")
                .containsExactlyElementsOf(Arrays.stream(DataRoot.Sink.values()).map(DataRoot.Sink::dir).toList());
        assertThat(Defaults.QUERIES).as("CONTRACT_QUERIES lists DataRoot.Query, no more")
                .containsExactlyElementsOf(Arrays.stream(DataRoot.Query.values()).map(DataRoot.Query::dir).toList());
    }

    @Test
    void everyLineIsOneThatMakeAndPropertiesReadAlike() throws IOException {
        // No spaces around '=' (bash), no quotes, '$' (Make and bash expand it) or '\' (Properties escapes with it),
        // no trailing blanks (Make keeps them).
        assertThat(Files.readAllLines(FILE, StandardCharsets.UTF_8))
                .allSatisfy(line -> assertThat(line).matches("|#.*|CONTRACT_[A-Z0-9_]+=[A-Za-z0-9_.,:/+-]+"));
    }

    @Test
    void makeIncludingTheFileSeesTheValuesJavaSees(@TempDir Path dir) throws Exception {
        Path makefile = dir.resolve("Makefile");
        String infos = ContractFile.keys().stream().map(k -> "$(info " + k + "=$(" + k + "))")
                .collect(Collectors.joining("\n"));
        Files.writeString(makefile, "include " + FILE.toAbsolutePath() + "\n" + infos + "\nall: ;@:\n");
        assertThat(run("make", "-s", "-f", makefile.toString())).isEqualTo(seenByJava());
    }

    @Test
    void bashSourcingTheFileSeesTheValuesJavaSees() throws Exception {
        String script = "set -eu; . " + FILE.toAbsolutePath() + "; for k in " + String.join(" ", ContractFile.keys())
                + "; do printf '%s=%s\\n' \"$k\" \"${!k}\"; done";
        assertThat(run("bash", "-c", script)).isEqualTo(seenByJava());
    }

    /** The file as Properties reads it, apart from ContractFile, so these tests mark no key as read by Defaults. */
    private static Map<String, String> seenByJava() throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(FILE, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        Map<String, String> m = new java.util.TreeMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    /** KEY=value lines a command prints, as a map. */
    private static Map<String, String> run(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            org.junit.jupiter.api.Assumptions.abort(command[0] + " is not installed: " + notInstalled.getMessage());
            return Map.of();
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(p.exitValue()).as("%s output: %s", command[0], lines).isZero();
        Map<String, String> seen = new java.util.TreeMap<>();
        lines.forEach(l -> seen.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return seen;
    }
}
