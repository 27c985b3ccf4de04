package io.streamingclicks.e2e;

import static io.streamingclicks.e2e.ComposeStack.log;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * `make up-cluster OUTPUT_FORMAT=iceberg`: the compose profile "cluster" runs Spark's own standalone Master and two
 * Workers and submits the job from a driver container (no local-mode job); the executors write the tables' data files
 * into the shared volume, the driver commits them to the catalog in it. The application must really run on both
 * workers; the validator's checks must pass on the tables and its Top-N must equal pv read from the table's current
 * snapshot; and that pv must equal what the same job in local mode, with the Parquet format, computes from the same
 * topic. One run covers the Iceberg format and the cluster profile (StackIT covers the Parquet format).
 */
class ClusterProfileIT {

    private static ComposeStack stack;
    private static final Map<String, String> SETTINGS = new LinkedHashMap<>();

    @BeforeAll
    static void up() {
        SETTINGS.put("COMPOSE_PROFILES", "cluster");
        SETTINGS.put("WINDOW_DURATION", "PT1M");
        SETTINGS.put("WATERMARK_DELAY", "PT1M");
        SETTINGS.put("PRODUCER_BACKFILL", "PT5M");
        SETTINGS.put("PRODUCER_SPEED", "10");
        SETTINGS.put("PRODUCER_LATE_FRACTION", "0");
        SETTINGS.put("JOB_TOPN", "0");
        SETTINGS.put("OUTPUT_FORMAT", "iceberg");
        SETTINGS.put("VALIDATOR_CHECK_INTERVAL", "10s");
        stack = new ComposeStack("sc-e2e-cluster",
                List.of("producer", "validator", "spark-master", "spark-worker-1", "spark-worker-2", "spark-driver"),
                SETTINGS)
                // Everything but the local-mode `spark` service, as make up-cluster does with --scale spark=0.
                .only("kafka-1", "kafka-2", "kafka-3", "kafka-init", "producer", "validator",
                        "spark-master", "spark-worker-1", "spark-worker-2", "spark-driver")
                .start();
    }

    @AfterAll
    static void down() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theJobRunsOnBothWorkersItsTablesPassTheChecksAndItsPvEqualsLocalModeParquet() throws Exception {
        await("the application with an executor on each worker").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(3)).ignoreExceptions()
                .until(() -> aliveWorkersWithCores(stack.sparkMaster("/json/")).size() == 2);
        JsonNode master = stack.sparkMaster("/json/");
        log("master: workers %s, apps %s", aliveWorkersWithCores(master), master.path("activeapps"));
        assertThat(master.path("activeapps")).hasSize(1);
        JsonNode app = master.path("activeapps").get(0);
        assertThat(app.path("name").asText()).isEqualTo("streaming-clicks");
        assertThat(app.path("state").asText()).isEqualTo("RUNNING");
        assertThat(app.path("cores").asInt()).isEqualTo(2);
        assertThat(aliveWorkersWithCores(master)).containsExactlyInAnyOrder("spark-worker-1", "spark-worker-2");

        await("sealed windows from the cluster job").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(5))
                .until(() -> stack.validator("/api/windows").path("windows").size() >= 3);

        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "e2e-cluster-").toAbsolutePath();
        Map<String, Long> cluster = tablePv(work);
        Set<String> windows = windowsOf(cluster);
        assertThat(windows).hasSizeGreaterThanOrEqualTo(3);

        // The validator reads the same tables: every check passes (or is not applicable) on them, and its Top-N of a
        // sealed window is that window's pv in the table's current snapshot.
        Map<String, JsonNode> checks = stack.checksAfter(Instant.now());
        log("checks on the tables: %s", ComposeStack.summary(checks));
        assertThat(ComposeStack.failed(checks)).as("failed checks").isEmpty();
        String window = windows.iterator().next();
        JsonNode topn = stack.validator("/api/topn?n=5&window=" + window + "Z");
        Map<String, Long> tableWindow = restrict(cluster, Set.of(window));
        List<Long> topPv = tableWindow.values().stream().sorted(Comparator.reverseOrder()).limit(5).toList();
        List<Long> apiPv = new ArrayList<>();
        topn.path("pages").forEach(p -> {
            apiPv.add(p.path("pv").asLong());
            assertThat(tableWindow.get(window + "|" + p.path("page_id").asText()))
                    .as("pv of %s in %s, in table pv", p.path("page_id").asText(), window)
                    .isEqualTo(p.path("pv").asLong());
        });
        log("Top-5 of %s: validator %s, table pv %s", window, apiPv, topPv);
        assertThat(apiPv).isEqualTo(topPv);

        // The same job in local mode over the same topic, with the Parquet format, writing its own data root in the
        // same volume.
        String project = stack.project();
        try (GenericContainer<?> local = new GenericContainer<>(DockerImageName.parse(
                System.getenv().getOrDefault("IMAGE_PREFIX", "streaming-clicks") + "/spark:"
                        + System.getenv().getOrDefault("IMAGE_TAG", "latest")))
                .withNetworkMode(project + "_default")
                .withCreateContainerCmdModifier(c -> c.getHostConfig()
                        .withBinds(new Bind(project + "_clicks-data", new Volume("/data"))))
                .withEnv("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092,kafka-3:9092")
                .withEnv("DATA_DIR", "/data/local-mode")
                .withEnv("OUTPUT_FORMAT", "parquet")
                .withEnv("WINDOW_DURATION", SETTINGS.get("WINDOW_DURATION"))
                .withEnv("WATERMARK_DELAY", SETTINGS.get("WATERMARK_DELAY"))
                .withEnv("JOB_TOPN", "0")
                .waitingFor(Wait.forLogMessage(".*started queries.*", 1).withStartupTimeout(Duration.ofMinutes(8)))) {
            local.start();
            log("local-mode job running in %s", local.getContainerName());

            List<Map<String, Long>> localPv = new ArrayList<>();
            await("the local-mode job has sealed the same windows").atMost(Duration.ofMinutes(8))
                    .pollInterval(Duration.ofSeconds(10)).until(() -> {
                        Path into = work.resolve("local-" + System.nanoTime());
                        Map<String, Long> l = CommittedPv.read(stack.copyOut("validator",
                                "/data/local-mode/parquet/pv", Files.createDirectories(into)));
                        localPv.add(0, l);
                        return windowsOf(l).containsAll(windows);
                    });
            Map<String, Long> local1 = restrict(localPv.get(0), windows);
            Map<String, Long> cluster1 = restrict(cluster, windows);
            log("comparing %d (window, page) rows over %d windows", cluster1.size(), windows.size());
            assertThat(local1).isEqualTo(cluster1);
        }
    }

    /**
     * The cluster job's pv from a copy of the warehouse. The copy is taken while the job commits, so it may catch a
     * catalog row naming a file copied before it existed: then it is copied again.
     */
    private static Map<String, Long> tablePv(Path work) {
        List<Map<String, Long>> read = new ArrayList<>();
        await("a whole copy of the warehouse").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(2))
                .ignoreExceptions().until(() -> {
                    Path into = Files.createDirectories(work.resolve("cluster-" + System.nanoTime()));
                    read.add(CommittedPv.readTable(stack.copyOut("validator", "/data/warehouse", into)));
                    return true;
                });
        return read.get(0);
    }

    private static List<String> aliveWorkersWithCores(JsonNode master) {
        List<String> out = new ArrayList<>();
        master.path("workers").forEach(w -> {
            if (w.path("state").asText().equals("ALIVE") && w.path("coresused").asInt() > 0) {
                out.add(w.path("host").asText());
            }
        });
        return out;
    }

    private static Set<String> windowsOf(Map<String, Long> pv) {
        Set<String> out = new TreeSet<>();
        pv.keySet().forEach(k -> out.add(k.substring(0, k.indexOf('|'))));
        return out;
    }

    private static Map<String, Long> restrict(Map<String, Long> pv, Set<String> windows) {
        Map<String, Long> out = new TreeMap<>();
        pv.forEach((k, v) -> {
            if (windows.contains(k.substring(0, k.indexOf('|')))) {
                out.put(k, v);
            }
        });
        return out;
    }
}
