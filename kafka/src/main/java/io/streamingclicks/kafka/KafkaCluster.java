package io.streamingclicks.kafka;

import io.streamingclicks.contract.Defaults;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A real KRaft cluster, every node broker and controller, run as child processes from the broker artifacts in
 * {@code kafka/target/lib}. All its state lives in one directory ({@code node-N/} with {@code server.properties},
 * {@code data/}, {@code logs/}, {@code stdout.log}), so separate invocations of {@link KafkaCtl} ({@code make kafka-up},
 * {@code make kafka-kill BROKER=2}) and the integration tests of every module manage it the same way. JDK only:
 * admin work runs in a child JVM on the broker's classpath ({@code admin.ClusterAdmin}), so this class can sit on a
 * Spark test classpath whose kafka-clients is 3.4.
 */
public final class KafkaCluster implements AutoCloseable {

    /** System property naming the directory of broker jars; Maven sets it for every module's tests. */
    public static final String LIB_PROPERTY = "streamingclicks.kafka.lib";
    /** Where {@code make kafka-up} keeps the cluster, relative to the project root (RUN_DIR/kafka). */
    public static final String DEFAULT_DIR = "run/kafka";
    /** Heap per broker unless told otherwise. */
    public static final String DEFAULT_HEAP = "256m";
    static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(45);
    private static final String CONFIG_RESOURCES = "/io/streamingclicks/kafka/config/";

    private final Path dir;
    private final int[] clientPorts;
    private final int[] controllerPorts;
    private final String heap;
    private final Path libDir;
    private final boolean watchParent;
    private final boolean deleteOnClose;

    private KafkaCluster(Builder b) {
        this.dir = b.dir.toAbsolutePath().normalize();
        this.clientPorts = b.clientPorts.clone();
        this.controllerPorts = b.controllerPorts.clone();
        this.heap = b.heap;
        this.libDir = b.libDir != null ? b.libDir : locateLib();
        this.watchParent = b.watchParent;
        this.deleteOnClose = b.deleteOnClose;
        if (clientPorts.length != controllerPorts.length || clientPorts.length == 0) {
            throw new IllegalArgumentException("need one controller port per client port, got "
                    + Arrays.toString(clientPorts) + " and " + Arrays.toString(controllerPorts));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * For integration tests: three nodes on free ports in a fresh temporary directory, started and ready. The nodes
     * exit by themselves if the test JVM dies, and {@link #close()} stops them and deletes the directory.
     */
    public static KafkaCluster startForTests() {
        try {
            int[] ports = freePorts(6);
            return builder()
                    .dir(Files.createTempDirectory("kafka-it-"))
                    .clientPorts(Arrays.copyOfRange(ports, 0, 3))
                    .controllerPorts(Arrays.copyOfRange(ports, 3, 6))
                    .watchParent(true)
                    .deleteOnClose(true)
                    .build()
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the test cluster", e);
        }
    }

    public int size() {
        return clientPorts.length;
    }

    public Path dir() {
        return dir;
    }

    public Path nodeDir(int node) {
        checkNode(node);
        return dir.resolve("node-" + node);
    }

    public int clientPort(int node) {
        checkNode(node);
        return clientPorts[node - 1];
    }

    /** {@code 127.0.0.1:p1,127.0.0.1:p2,...}: every node, so a client survives any single one being down. */
    public String bootstrapServers() {
        return Arrays.stream(clientPorts).mapToObj(p -> HOST + ":" + p).collect(Collectors.joining(","));
    }

    /** Formats storage on first use, starts every node that is not running, and waits until all are brokers. */
    public KafkaCluster start() {
        long t0 = System.nanoTime();
        prepare();
        List<Integer> started = new ArrayList<>();
        for (int node = 1; node <= size(); node++) {
            if (process(node).isEmpty()) {
                launch(node);
                started.add(node);
            }
        }
        awaitBrokers(size(), started);
        log("cluster of %d nodes up in %.1f s (%s)", size(), (System.nanoTime() - t0) / 1e9, bootstrapServers());
        return this;
    }

    /** Starts one node (after {@link #killNode} or {@link #stopNode}) and waits until the cluster has all brokers. */
    public void startNode(int node) {
        checkNode(node);
        prepare();
        if (process(node).isPresent()) {
            log("node %d is already running", node);
            return;
        }
        launch(node);
        awaitBrokers(size(), List.of(node));
    }

    /** SIGKILL: the node gets no chance to shut down cleanly, as in a crash. */
    public void killNode(int node) {
        Optional<ProcessHandle> p = process(node);
        if (p.isEmpty()) {
            log("node %d is not running", node);
            return;
        }
        p.get().destroyForcibly();
        p.get().onExit().join();
        log("node %d (pid %d) killed", node, p.get().pid());
    }

    /** SIGTERM and wait: the node moves its leaderships away and shuts down cleanly. */
    public void stopNode(int node) {
        process(node).ifPresent(p -> terminate(List.of(p)));
    }

    /** Stops every node gracefully, then SIGKILLs any that did not exit within 45 s. Data is kept. */
    public void stop() {
        List<ProcessHandle> running = IntStream.rangeClosed(1, size()).mapToObj(this::process)
                .flatMap(Optional::stream).toList();
        terminate(running);
    }

    public boolean isRunning(int node) {
        return process(node).isPresent();
    }

    public Optional<Long> pid(int node) {
        return process(node).map(ProcessHandle::pid);
    }

    /** Creates the topic if absent; if present, checks its shape and sets {@code min.insync.replicas}. Idempotent. */
    public String ensureTopic(String topic, int partitions, int replicationFactor, int minInsyncReplicas) {
        return admin(Duration.ofSeconds(60), "ensure-topic", topic, String.valueOf(partitions),
                String.valueOf(replicationFactor), String.valueOf(minInsyncReplicas)).strip();
    }

    /** A topic with a random name, the contract's shape (3 partitions, RF 3, min ISR 2), every replica in sync. */
    public String createRandomTopic() {
        String topic = "it-" + UUID.randomUUID().toString().substring(0, 8);
        ensureTopic(topic, Defaults.TOPIC_PARTITIONS, Math.min(size(), Defaults.TOPIC_REPLICATION_FACTOR),
                Math.min(size() - 1, Defaults.TOPIC_MIN_INSYNC_REPLICAS));
        awaitFullIsr(topic, Duration.ofSeconds(60));
        return topic;
    }

    /** Waits until every partition of the topic has a leader and all its replicas in the ISR. */
    public void awaitFullIsr(String topic, Duration timeout) {
        admin(timeout.plusSeconds(15), "await-isr", topic, String.valueOf(timeout.toMillis()));
    }

    /** Partition to leader node id; -1 where a partition has no leader. */
    public Map<Integer, Integer> leaders(String topic) {
        Map<Integer, Integer> leaders = new LinkedHashMap<>();
        for (PartitionState p : describe(topic)) {
            leaders.put(p.partition(), p.leader());
        }
        return leaders;
    }

    public List<PartitionState> describe(String topic) {
        return admin(Duration.ofSeconds(60), "describe", topic).lines()
                .filter(l -> l.startsWith("partition="))
                .map(PartitionState::parse)
                .toList();
    }

    /** One partition as the controller reports it. */
    public record PartitionState(int partition, int leader, List<Integer> replicas, List<Integer> isr) {

        static PartitionState parse(String line) {
            Map<String, String> kv = new LinkedHashMap<>();
            for (String part : line.trim().split("\\s+")) {
                int eq = part.indexOf('=');
                kv.put(part.substring(0, eq), part.substring(eq + 1));
            }
            return new PartitionState(Integer.parseInt(kv.get("partition")), Integer.parseInt(kv.get("leader")),
                    ids(kv.get("replicas")), ids(kv.get("isr")));
        }

        private static List<Integer> ids(String csv) {
            return csv.isEmpty() ? List.of() : Arrays.stream(csv.split(",")).map(Integer::valueOf).toList();
        }
    }

    @Override
    public void close() {
        stop();
        if (deleteOnClose) {
            deleteRecursively(dir);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Writes the shared config into the cluster directory and formats each node's storage once. */
    private void prepare() {
        try {
            Files.createDirectories(dir.resolve("config"));
            copyResource("broker.properties");
            copyResource("log4j2.properties");
            copyResource("tools-log4j2.properties");
            Path clusterFile = dir.resolve("cluster.properties");
            Properties cluster = new Properties();
            String layout = Arrays.toString(clientPorts) + " " + Arrays.toString(controllerPorts);
            if (Files.exists(clusterFile)) {
                try (var in = Files.newBufferedReader(clusterFile)) {
                    cluster.load(in);
                }
                if (!layout.equals(cluster.getProperty("ports"))) {
                    throw new IllegalStateException("the cluster in " + dir + " was formatted for ports "
                            + cluster.getProperty("ports") + ", not " + layout
                            + ": use the same ports, or delete " + dir + " to start a new cluster");
                }
            } else {
                cluster.setProperty("cluster.id", newClusterId());
                cluster.setProperty("ports", layout);
            }
            List<Process> formats = new ArrayList<>();
            for (int node = 1; node <= size(); node++) {
                writeNodeConfig(node);
                if (!Files.exists(nodeDir(node).resolve("data/meta.properties"))) {
                    formats.add(java(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", toolsLogging()),
                            "kafka.tools.StorageTool", List.of("format", "--ignore-formatted",
                                    "--cluster-id", cluster.getProperty("cluster.id"),
                                    "--config", nodeDir(node).resolve("server.properties").toString()),
                            nodeDir(node).resolve("format.log")));
                }
            }
            for (Process f : formats) {
                if (!f.waitFor(60, TimeUnit.SECONDS) || f.exitValue() != 0) {
                    throw new IllegalStateException("formatting Kafka storage failed; see " + dir + "/node-*/format.log");
                }
            }
            try (var out = Files.newBufferedWriter(clusterFile)) {
                cluster.store(out, "written by KafkaCluster; the cluster id is fixed at format time");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the cluster directory " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting", e);
        }
    }

    private void writeNodeConfig(int node) throws IOException {
        Path nd = nodeDir(node);
        Files.createDirectories(nd.resolve("data"));
        Files.createDirectories(nd.resolve("logs"));
        String voters = IntStream.rangeClosed(1, size())
                .mapToObj(n -> n + "@" + HOST + ":" + controllerPorts[n - 1]).collect(Collectors.joining(","));
        String perNode = String.join("\n",
                "",
                "# --- node " + node + ", written by KafkaCluster ---",
                "node.id=" + node,
                "controller.quorum.voters=" + voters,
                "listeners=PLAINTEXT://" + HOST + ":" + clientPort(node) + ",CONTROLLER://" + HOST + ":"
                        + controllerPorts[node - 1],
                "advertised.listeners=PLAINTEXT://" + HOST + ":" + clientPort(node),
                "log.dirs=" + nd.resolve("data"),
                "");
        String shared = Files.readString(dir.resolve("config/broker.properties"));
        Files.writeString(nd.resolve("server.properties"), shared + perNode);
    }

    private void launch(int node) {
        checkPortFree(clientPort(node), "node " + node + " client listener");
        checkPortFree(controllerPorts[node - 1], "node " + node + " controller listener");
        Path nd = nodeDir(node);
        List<String> jvm = new ArrayList<>(List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC",
                "-XX:MaxGCPauseMillis=20", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + dir.resolve("config/log4j2.properties"),
                "-Dkafka.logs.dir=" + nd.resolve("logs")));
        List<String> args = new ArrayList<>();
        String main = "kafka.Kafka";
        if (watchParent) {
            args.add(String.valueOf(ProcessHandle.current().pid()));
            args.add(main);
            main = ParentWatch.class.getName();
        }
        args.add(nd.resolve("server.properties").toString());
        Process p = java(jvm, main, args, nd.resolve("stdout.log"));
        try {
            Files.writeString(nd.resolve("pid"), p.pid() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log("node %d starting (pid %d, client port %d)", node, p.pid(), clientPort(node));
    }

    /** Runs a main class in a child JVM on the broker classpath; output to {@code log}; detached unless watched. */
    private Process java(List<String> jvmOptions, String mainClass, List<String> args, Path log) {
        List<String> cmd = new ArrayList<>();
        // A new session: brokers started by `make kafka-up` outlive the terminal that started them.
        if (!watchParent && new File("/usr/bin/setsid").canExecute()) {
            cmd.add("/usr/bin/setsid");
        }
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(libDir.resolve("*") + File.pathSeparator + ownCodeLocation());
        cmd.add(mainClass);
        cmd.addAll(args);
        try {
            return new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + mainClass + ": " + cmd, e);
        }
    }

    /** Runs {@code admin.ClusterAdmin} and returns what it printed; fails with its output if it fails. */
    String admin(Duration timeout, String command, String... args) {
        try {
            Path out = Files.createTempFile(dir, "admin-", ".log");
            List<String> all = new ArrayList<>(List.of(command, bootstrapServers()));
            all.addAll(List.of(args));
            Process p = java(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", toolsLogging()),
                    "io.streamingclicks.kafka.admin.ClusterAdmin", all, out);
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly().waitFor();
            }
            String output = Files.readString(out);
            Files.deleteIfExists(out);
            if (!done || p.exitValue() != 0) {
                throw new IllegalStateException("Kafka admin '" + command + "' on " + bootstrapServers()
                        + (done ? " failed" : " timed out after " + timeout.toSeconds() + " s") + ":\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Waits until {@code count} brokers are registered, failing early with its log if a starting node dies. */
    private void awaitBrokers(int count, List<Integer> starting) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        for (int node : starting) {
            while (!portOpen(clientPort(node))) {
                if (process(node).isEmpty()) {
                    throw new IllegalStateException("Kafka node " + node + " exited during start-up (client port "
                            + clientPort(node) + "). Last lines of " + nodeDir(node).resolve("stdout.log") + ":\n"
                            + tail(nodeDir(node).resolve("stdout.log"), 25));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka node " + node + " did not open 127.0.0.1:"
                            + clientPort(node) + " within " + START_TIMEOUT.toSeconds() + " s; see "
                            + nodeDir(node).resolve("logs/server.log"));
                }
                sleep(200);
            }
        }
        admin(START_TIMEOUT, "await-brokers", String.valueOf(count), String.valueOf(START_TIMEOUT.toMillis()));
    }

    private void terminate(List<ProcessHandle> processes) {
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (ProcessHandle p : processes) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                p.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception notYet) {
                log("pid %d did not stop within %d s: SIGKILL", p.pid(), STOP_TIMEOUT.toSeconds());
                p.destroyForcibly();
                p.onExit().join();
            }
        }
    }

    /**
     * The live broker process of a node, found by the config path on its command line, so a stale pid file or a
     * reused pid can never make us signal another process.
     */
    private Optional<ProcessHandle> process(int node) {
        String marker = nodeDir(node).resolve("server.properties").toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains(marker)).orElse(false))
                .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains("kafka.Kafka")).orElse(false))
                .findFirst();
    }

    private void copyResource(String name) throws IOException {
        try (InputStream in = KafkaCluster.class.getResourceAsStream(CONFIG_RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + CONFIG_RESOURCES + name);
            }
            Files.write(dir.resolve("config").resolve(name), in.readAllBytes());
        }
    }

    private String toolsLogging() {
        return "-Dlog4j2.configurationFile=" + dir.resolve("config/tools-log4j2.properties");
    }

    private void checkNode(int node) {
        if (node < 1 || node > size()) {
            throw new IllegalArgumentException("node must be 1.." + size() + ", got " + node);
        }
    }

    private static void checkPortFree(int port, String what) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(HOST, port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on " + HOST + " (" + what + ") is already in use by"
                    + " another process: stop it (is another Kafka running? `make kafka-down`) or choose other ports");
        }
    }

    static boolean portOpen(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Ports that are free now; the sockets are held until all are chosen so none is chosen twice. */
    public static int[] freePorts(int n) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket();
                s.bind(new InetSocketAddress(HOST, 0));
                held.add(s);
            }
            return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException("no free ports on " + HOST, e);
        } finally {
            held.forEach(s -> {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a probe socket
                }
            });
        }
    }

    /**
     * Kafka's cluster id format: 16 random bytes, URL-safe base64 without padding. Like Kafka's own
     * {@code Uuid.randomUuid()}, never one that starts with '-': the storage tool would read it as an option
     * ("argument --cluster-id: expected one argument"), which failed one format in 64.
     */
    static String newClusterId() {
        byte[] b = new byte[16];
        String id;
        do {
            ThreadLocalRandom.current().nextBytes(b);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        } while (id.startsWith("-"));
        return id;
    }

    private static Path locateLib() {
        String configured = System.getProperty(LIB_PROPERTY, System.getenv("KAFKA_LIB"));
        Path lib = null;
        if (configured != null && !configured.isBlank()) {
            lib = Paths.get(configured);
        } else {
            for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
                if (Files.isDirectory(p.resolve("kafka/target/lib"))) {
                    lib = p.resolve("kafka/target/lib");
                    break;
                }
            }
        }
        if (lib == null || !Files.isDirectory(lib)) {
            throw new IllegalStateException("Kafka broker jars not found" + (lib == null ? "" : " in " + lib)
                    + ": build them with `make build` (or mvn -pl kafka package), or set -D" + LIB_PROPERTY);
        }
        return lib.toAbsolutePath();
    }

    private static String ownCodeLocation() {
        try {
            return Paths.get(KafkaCluster.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void deleteRecursively(Path root) {
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp dir
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void log(String format, Object... args) {
        System.out.println("[kafka] " + String.format(format, args));
    }

    /** Where the cluster lives and on which ports. */
    public static final class Builder {
        private Path dir = Paths.get(DEFAULT_DIR);
        private int[] clientPorts = Defaults.KAFKA_PORTS.clone();
        private int[] controllerPorts = Defaults.KAFKA_CONTROLLER_PORTS.clone();
        private String heap = DEFAULT_HEAP;
        private Path libDir;
        private boolean watchParent;
        private boolean deleteOnClose;

        public Builder dir(Path dir) {
            this.dir = dir;
            return this;
        }

        public Builder clientPorts(int... ports) {
            this.clientPorts = ports.clone();
            return this;
        }

        public Builder controllerPorts(int... ports) {
            this.controllerPorts = ports.clone();
            return this;
        }

        public Builder heap(String heap) {
            this.heap = heap;
            return this;
        }

        public Builder libDir(Path libDir) {
            this.libDir = libDir;
            return this;
        }

        /** Nodes exit when this JVM dies (tests); otherwise they run detached (make kafka-up). */
        public Builder watchParent(boolean watchParent) {
            this.watchParent = watchParent;
            return this;
        }

        public Builder deleteOnClose(boolean deleteOnClose) {
            this.deleteOnClose = deleteOnClose;
            return this;
        }

        public KafkaCluster build() {
            return new KafkaCluster(this);
        }
    }
}
