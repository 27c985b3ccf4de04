package io.streamingclicks.kafka;

import io.streamingclicks.contract.Defaults;
import io.streamingclicks.contract.Setting;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** The command line behind {@code make kafka-up}, {@code kafka-down}, {@code kafka-kill}, {@code kafka-start}. */
public final class KafkaCtl {

    private static final String USAGE = """
            usage: KafkaCtl <command> [options]
              up          format storage on first use, start the nodes that are not running, create the topic
                          (idempotent) and wait until every replica of every partition is in the ISR
              down        stop every node (SIGTERM; SIGKILL after 45 s); data is kept
              kill N      SIGKILL node N (1..3), as in a crash
              start N     start node N and wait until it is back in every ISR of the topic
              status      one line per node: pid, client port, running or not
              describe    the topic's partitions: leader, replicas, ISR
            options:
              --dir DIR                 run folder (default %s)
              --ports P1,P2,P3          client ports (default %s)
              --controller-ports C1,..  controller ports (default %s)
              --topic NAME              topic (default $KAFKA_TOPIC or %s)
              --heap SIZE               heap per broker (default %s)
              --lib DIR                 broker jars (default kafka/target/lib)
            """.formatted(KafkaCluster.DEFAULT_DIR, csv(Defaults.KAFKA_PORTS), csv(Defaults.KAFKA_CONTROLLER_PORTS),
            Setting.KAFKA_TOPIC.defaultValue(), KafkaCluster.DEFAULT_HEAP);

    private KafkaCtl() {
    }

    public static void main(String[] args) {
        java.util.List<String> positional = new java.util.ArrayList<>();
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) {
                    usage("option " + args[i] + " needs a value");
                }
                opts.put(args[i].substring(2), args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
        if (positional.isEmpty()) {
            usage("no command given");
        }
        String command = positional.get(0);
        Integer node = null;
        if (command.equals("kill") || command.equals("start")) {
            if (positional.size() < 2 || !positional.get(1).matches("\\d+")) {
                usage(command + " needs a node number, e.g. `" + command + " 2` (make kafka-" + command + " BROKER=2)");
            }
            node = Integer.parseInt(positional.get(1));
        }
        KafkaCluster.Builder b = KafkaCluster.builder()
                .dir(Paths.get(opts.getOrDefault("dir", KafkaCluster.DEFAULT_DIR)))
                .heap(opts.getOrDefault("heap", KafkaCluster.DEFAULT_HEAP));
        if (opts.containsKey("ports")) {
            b.clientPorts(ports(opts.get("ports")));
        }
        if (opts.containsKey("controller-ports")) {
            b.controllerPorts(ports(opts.get("controller-ports")));
        }
        if (opts.containsKey("lib")) {
            b.libDir(Paths.get(opts.get("lib")));
        }
        String topic = opts.getOrDefault("topic", Setting.KAFKA_TOPIC.get());
        try {
            KafkaCluster cluster = b.build();
            switch (command) {
                case "up" -> {
                    cluster.start();
                    System.out.println("[kafka] " + cluster.ensureTopic(topic, Defaults.TOPIC_PARTITIONS,
                            Defaults.TOPIC_REPLICATION_FACTOR, Defaults.TOPIC_MIN_INSYNC_REPLICAS));
                    cluster.awaitFullIsr(topic, Duration.ofSeconds(90));
                    System.out.println("[kafka] " + topic + ": every partition has all 3 replicas in the ISR");
                    System.out.println("[kafka] bootstrap servers: " + cluster.bootstrapServers());
                }
                case "down" -> {
                    cluster.stop();
                    System.out.println("[kafka] stopped; data kept in " + cluster.dir());
                }
                case "kill" -> cluster.killNode(node);
                case "start" -> {
                    cluster.startNode(node);
                    cluster.awaitFullIsr(topic, Duration.ofSeconds(120));
                    System.out.println("[kafka] node " + node + " is back in every ISR of " + topic);
                }
                case "status" -> {
                    for (int n = 1; n <= cluster.size(); n++) {
                        System.out.printf("kafka node %d  port %d  %s%n", n, cluster.clientPort(n),
                                cluster.pid(n).map(p -> "running (pid " + p + ")").orElse("stopped"));
                    }
                }
                case "describe" -> cluster.describe(topic).forEach(p -> System.out.printf(
                        "%s partition %d  leader %d  replicas %s  isr %s%n", topic, p.partition(), p.leader(),
                        p.replicas(), p.isr()));
                default -> usage("unknown command " + command);
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            System.err.println("[kafka] " + e.getMessage());
            System.exit(1);
        }
    }

    private static int[] ports(String csv) {
        return Arrays.stream(csv.split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
    }

    private static String csv(int[] ports) {
        return Arrays.stream(ports).mapToObj(String::valueOf).collect(java.util.stream.Collectors.joining(","));
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.print(USAGE);
        System.exit(64);
    }
}
