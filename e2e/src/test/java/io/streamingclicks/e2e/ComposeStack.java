package io.streamingclicks.e2e;

import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.DockerComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The real docker-compose.yml of the repository as one Testcontainers project: local docker-compose (nothing is
 * pulled or built; `make e2e` builds the images first), free 127.0.0.1 ports for everything it publishes, and the
 * operations the tests perform on it (HTTP to producer and validator, SIGKILL / start a service's container, run a
 * command in one, copy a directory out of the data volume).
 */
final class ComposeStack implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final DockerComposeContainer<?> compose;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> services;
    final int producerPort = freePort();
    final int validatorPort = freePort();
    final int[] kafkaPorts = {freePort(), freePort(), freePort()};
    final int sparkMasterUiPort = freePort();

    /**
     * @param services the services to wait for (healthy), e.g. producer, validator, spark
     * @param settings the stack's settings for this test (WINDOW_DURATION, PRODUCER_BACKFILL, ...)
     */
    ComposeStack(String name, List<String> services, Map<String, String> settings) {
        this.services = services;
        env.put("PRODUCER_PORT", String.valueOf(producerPort));
        env.put("VALIDATOR_PORT", String.valueOf(validatorPort));
        env.put("SPARK_MASTER_UI_PORT", String.valueOf(sparkMasterUiPort));
        for (int i = 0; i < 3; i++) {
            env.put("KAFKA_PORT_" + (i + 1), String.valueOf(kafkaPorts[i]));
        }
        env.putAll(settings);
        File file = repo().resolve("docker-compose.yml").toFile();
        compose = new DockerComposeContainer<>(name, file)
                .withEnv(env)
                .withPull(false)
                .withBuild(false)
                .withRemoveVolumes(true)
                .withStartupTimeout(Duration.ofMinutes(7));
        for (String s : services) {
            compose.waitingFor(s + "_1", Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(7)));
        }
    }

    /** Starts only these services (and what they depend on) instead of every service of the active profiles. */
    ComposeStack only(String... services) {
        compose.withServices(services);
        return this;
    }

    ComposeStack start() {
        long t0 = System.nanoTime();
        compose.start();
        log("project %s healthy in %d s: %s", project(), (System.nanoTime() - t0) / 1_000_000_000, services);
        return this;
    }

    @Override
    public void close() {
        compose.stop();
    }

    static Path repo() {
        return Path.of(System.getProperty("streamingclicks.repo", "..")).toAbsolutePath().normalize();
    }

    String bootstrapServers() {
        return "127.0.0.1:" + kafkaPorts[0] + ",127.0.0.1:" + kafkaPorts[1] + ",127.0.0.1:" + kafkaPorts[2];
    }

    ContainerState container(String service) {
        return compose.getContainerByServiceName(service + "_1")
                .orElseThrow(() -> new IllegalStateException("no container for service " + service));
    }

    String project() {
        return container(services.get(0)).getContainerInfo().getConfig().getLabels().get("com.docker.compose.project");
    }

    static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    /** SIGKILL, as a crash would: no shutdown hook, no graceful stop. */
    void kill(String service) {
        String id = container(service).getContainerId();
        docker().killContainerCmd(id).withSignal("SIGKILL").exec();
        log("SIGKILL %s", service);
    }

    void startAgain(String service) {
        docker().startContainerCmd(container(service).getContainerId()).exec();
        log("started %s again", service);
    }

    InspectContainerResponse.ContainerState state(String service) {
        return docker().inspectContainerCmd(container(service).getContainerId()).exec().getState();
    }

    boolean healthy(String service) {
        var s = state(service);
        return Boolean.TRUE.equals(s.getRunning()) && s.getHealth() != null && "healthy".equals(s.getHealth().getStatus());
    }

    /** Runs a command in a running container of the stack; returns stdout, fails on a non-zero exit. */
    String exec(String service, String... cmd) {
        try {
            var r = container(service).execInContainer(cmd);
            if (r.getExitCode() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " in " + service + " exited "
                        + r.getExitCode() + ": " + r.getStderr());
            }
            return r.getStdout();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Copies a directory of a service's filesystem (e.g. /data/parquet/pv in the volume) into {@code into}. */
    Path copyOut(String service, String path, Path into) {
        try (InputStream raw = docker().copyArchiveFromContainerCmd(container(service).getContainerId(), path).exec();
             TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(raw))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path target = into.resolve(e.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("entry outside the target: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return into.resolve(Path.of(path).getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + path + " out of " + service, e);
        }
    }

    JsonNode producer(String path) {
        return get("http://127.0.0.1:" + producerPort + path);
    }

    JsonNode validator(String path) {
        return get("http://127.0.0.1:" + validatorPort + path);
    }

    JsonNode sparkMaster(String path) {
        return get("http://127.0.0.1:" + sparkMasterUiPort + path);
    }

    /** POST /bursts: answers once every send is answered (acked, in doubt or failed). */
    JsonNode burst(int count, String offset, String page) {
        String body = "{\"count\":" + count + ",\"offset\":\"" + offset + "\",\"pageId\":\"" + page + "\"}";
        try {
            var r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + producerPort + "/bursts"))
                    .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("POST /bursts " + body + " answered " + r.statusCode() + ": " + r.body());
            }
            JsonNode n = JSON.readTree(r.body());
            log("burst %s at %s: %s", page, offset, n);
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode get(String url) {
        try {
            var r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + url + " answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The latest result of each validator check, by name. */
    Map<String, JsonNode> checks() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        validator("/api/dq").path("latest").forEach(c -> out.put(c.path("check").asText(), c));
        return out;
    }

    /** The checks whose latest result failed, as "check: detail". */
    static List<String> failed(Map<String, JsonNode> checks) {
        return checks.values().stream().filter(c -> c.path("status").asText().equals("fail"))
                .map(c -> c.path("check").asText() + ": " + c.path("detail").asText()).toList();
    }

    /** "check=status, ..." for the log. */
    static String summary(Map<String, JsonNode> checks) {
        return checks.values().stream().map(c -> c.path("check").asText() + "=" + c.path("status").asText())
                .collect(Collectors.joining(", "));
    }

    /** Waits for a run of every check that started after {@code since}: earlier results may predate what is asserted. */
    Map<String, JsonNode> checksAfter(Instant since) {
        await("validator checks after " + since).atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(5))
                .until(() -> checks().values().stream()
                        .allMatch(c -> Instant.parse(c.path("checkedAt").asText()).isAfter(since)));
        return checks();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void log(String format, Object... args) {
        System.out.printf("[e2e %tT] %s%n", System.currentTimeMillis(), String.format(format, args));
    }
}
