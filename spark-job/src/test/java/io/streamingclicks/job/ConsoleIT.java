package io.streamingclicks.job;

import io.streamingclicks.job.support.Events;
import io.streamingclicks.job.support.JobProcess;
import io.streamingclicks.job.support.JobProcesses;
import io.streamingclicks.job.support.SharedKafka;
import io.streamingclicks.kafka.KafkaCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Pattern;

import static io.streamingclicks.job.support.EventTimes.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console walkthrough ({@code --console}, the jar as a process, its stdout in job.log): each sealed window's uv
 * and its pv rows are printed by the windows query when it seals them, and the running clicks per user by their own
 * query, with the numbers the events give.
 */
@ExtendWith(SharedKafka.class)
class ConsoleIT {

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private final KafkaCluster cluster;
    @RegisterExtension
    final JobProcesses jobs = new JobProcesses();
    @TempDir
    Path tmp;

    ConsoleIT(KafkaCluster cluster) {
        this.cluster = cluster;
    }

    @Test
    void theConsolePrintsEachSealedWindowsUvAndPvAndTheClicksPerUser() throws Exception {
        String topic = cluster.createRandomTopic();
        Path root = tmp.resolve("data");
        JobProcess job = jobs.start(root, "--data-dir", root.toString(), "--bootstrap-servers",
                cluster.bootstrapServers(), "--topic", topic, "--trigger", "300 ms", "--console");
        try (Events events = new Events(cluster.bootstrapServers(), topic)) {
            events.sendRaw(List.of(
                    Events.json(Events.newId(), "u1", "/a", at(0, 1), "view"),
                    Events.json(Events.newId(), "u2", "/a", at(1, 0), "click"),
                    Events.json(Events.newId(), "u2", "/b", at(2, 0), "click"),
                    Events.json(Events.newId(), "clock", "/clock", at(20, 0), "view")));
        }
        String start = SHOWN.format(at(0, 0));
        String end = SHOWN.format(at(5, 0));
        // show()'s table rows: |window_start|window_end|uv| and |window_start|window_end|page_id|pv|, padded.
        Pattern uvRow = Pattern.compile("\\|" + start + "\\s*\\|" + end + "\\s*\\|2\\s*\\|");
        Pattern pvA = Pattern.compile("\\|" + start + "\\s*\\|" + end + "\\s*\\|/a\\s*\\|2\\s*\\|");
        Pattern pvB = Pattern.compile("\\|" + start + "\\s*\\|" + end + "\\s*\\|/b\\s*\\|1\\s*\\|");
        Pattern clicksU2 = Pattern.compile("\\|u2\\s*\\|2\\s*\\|");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            job.assertAlive();
            String log = Files.readString(job.log(), StandardCharsets.UTF_8);
            return log.contains("(sealed windows)") && uvRow.matcher(log).find() && pvA.matcher(log).find()
                    && pvB.matcher(log).find() && clicksU2.matcher(log).find();
        });
        String log = Files.readString(job.log(), StandardCharsets.UTF_8);
        assertThat(log).contains("total_clicks").doesNotContain("uv_sketch");
        System.out.printf("ConsoleIT: the window %s printed at %s%n", start, Instant.now());
        job.assertStopsCleanly();
    }
}
