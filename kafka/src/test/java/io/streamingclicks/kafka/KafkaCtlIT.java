package io.streamingclicks.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The command line behind {@code make kafka-up / kafka-down}, run as make runs it: a separate JVM each time, brokers
 * detached from it.
 */
class KafkaCtlIT {

    private static Path dir;
    private static String[] portOptions;

    @BeforeAll
    static void ports() throws Exception {
        dir = Files.createTempDirectory("kafkactl-it-");
        int[] p = KafkaCluster.freePorts(6);
        portOptions = new String[] {"--dir", dir.toString(), "--ports", p[0] + "," + p[1] + "," + p[2],
                "--controller-ports", p[3] + "," + p[4] + "," + p[5], "--topic", "clickstream_events"};
    }

    @AfterAll
    static void cleanUp() throws Exception {
        brokersOf(dir).forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void upIsIdempotentAndDownLeavesNoBrokerProcessBehind() throws Exception {
        String first = ctl("up");
        assertThat(first).contains("created clickstream_events: 3 partitions, replication factor 3,"
                + " min.insync.replicas=2").contains("every partition has all 3 replicas in the ISR");
        assertThat(brokersOf(dir)).hasSize(3);

        String second = ctl("up");
        assertThat(second).contains("unchanged").doesNotContain("starting");
        assertThat(ctl("status")).contains("running (pid").doesNotContain("stopped");

        ctl("down");
        assertThat(brokersOf(dir)).as("broker processes left after down").isEmpty();
        assertThat(ctl("status")).doesNotContain("running");
    }

    private static String ctl(String command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KafkaCtl.class.getName(), command));
        cmd.addAll(Arrays.asList(portOptions));
        File out = File.createTempFile("kafkactl", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out).start();
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("kafkactl " + command + " finished").isTrue();
        String output = Files.readString(out.toPath(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("kafkactl " + command + " exit code; output:\n" + output).isZero();
        return output;
    }

    private static List<ProcessHandle> brokersOf(Path clusterDir) {
        String marker = clusterDir.toString();
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().arguments()
                        .map(a -> Arrays.stream(a).anyMatch(s -> s.startsWith(marker))
                                && Arrays.asList(a).contains("kafka.Kafka"))
                        .orElse(false))
                .toList();
    }
}
