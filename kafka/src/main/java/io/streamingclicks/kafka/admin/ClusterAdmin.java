package io.streamingclicks.kafka.admin;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Cluster administration run in a child JVM on the broker's classpath (kafka-clients 4.x), for
 * {@link io.streamingclicks.kafka.KafkaCluster}. Prints its result on stdout; exits non-zero with the reason.
 * <pre>
 * ClusterAdmin await-brokers BOOTSTRAP COUNT TIMEOUT_MS
 * ClusterAdmin ensure-topic  BOOTSTRAP TOPIC PARTITIONS RF MIN_ISR
 * ClusterAdmin await-isr     BOOTSTRAP TOPIC TIMEOUT_MS
 * ClusterAdmin describe      BOOTSTRAP TOPIC
 * </pre>
 */
public final class ClusterAdmin {

    private ClusterAdmin() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ClusterAdmin await-brokers|ensure-topic|await-isr|describe BOOTSTRAP ...");
            System.exit(64);
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[1]);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        int exit;
        try (Admin admin = Admin.create(props)) {
            exit = switch (args[0]) {
                case "await-brokers" -> awaitBrokers(admin, Integer.parseInt(args[2]), Long.parseLong(args[3]));
                case "ensure-topic" -> ensureTopic(admin, args[2], Integer.parseInt(args[3]),
                        Short.parseShort(args[4]), Integer.parseInt(args[5]));
                case "await-isr" -> awaitIsr(admin, args[2], Long.parseLong(args[3]));
                case "describe" -> describe(admin, args[2]);
                default -> {
                    System.err.println("unknown command " + args[0]);
                    yield 64;
                }
            };
        }
        System.exit(exit);
    }

    private static int awaitBrokers(Admin admin, int count, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String last = "no answer";
        while (System.currentTimeMillis() < deadline) {
            try {
                Collection<Node> nodes = admin.describeCluster().nodes().get();
                last = nodes.size() + " broker(s): " + nodes.stream().map(Node::idString).sorted().toList();
                if (nodes.size() >= count) {
                    System.out.println(last);
                    return 0;
                }
            } catch (ExecutionException e) {
                last = e.getCause().toString();
            }
            Thread.sleep(250);
        }
        System.err.println("expected " + count + " brokers within " + timeoutMs + " ms; last seen: " + last);
        return 2;
    }

    private static int ensureTopic(Admin admin, String topic, int partitions, short rf, int minIsr) throws Exception {
        Map<String, String> configs = Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(minIsr));
        boolean created = false;
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, rf).configs(configs))).all().get();
            created = true;
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        if (created) {
            System.out.printf("created %s: %d partitions, replication factor %d, min.insync.replicas=%d%n",
                    topic, partitions, rf, minIsr);
            return 0;
        }
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        int actualRf = d.partitions().get(0).replicas().size();
        if (d.partitions().size() != partitions || actualRf != rf) {
            System.err.printf("topic %s exists with %d partitions and replication factor %d, expected %d and %d;"
                    + " delete it or use another topic name%n", topic, d.partitions().size(), actualRf, partitions, rf);
            return 3;
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        ConfigEntry current = admin.describeConfigs(List.of(resource)).all().get().get(resource)
                .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        if (current == null || !String.valueOf(minIsr).equals(current.value())) {
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(minIsr)),
                    AlterConfigOp.OpType.SET)))).all().get();
            System.out.printf("exists %s: set min.insync.replicas=%d%n", topic, minIsr);
        } else {
            System.out.printf("exists %s: %d partitions, replication factor %d, min.insync.replicas=%d, unchanged%n",
                    topic, partitions, rf, minIsr);
        }
        return 0;
    }

    private static int awaitIsr(Admin admin, String topic, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        long nextReport = System.currentTimeMillis() + 5_000;
        String last = "no answer";
        while (System.currentTimeMillis() < deadline) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                List<TopicPartitionInfo> lagging = d.partitions().stream()
                        .filter(p -> p.leader() == null || p.leader().isEmpty()
                                || !Set.copyOf(ids(p.isr())).equals(Set.copyOf(ids(p.replicas()))))
                        .toList();
                if (lagging.isEmpty()) {
                    System.out.printf("%s: all %d partitions have every replica in the ISR%n", topic,
                            d.partitions().size());
                    return 0;
                }
                last = lagging.stream().map(ClusterAdmin::line).collect(Collectors.joining("; "));
            } catch (ExecutionException e) {
                last = e.getCause().toString();
            }
            if (System.currentTimeMillis() > nextReport) {
                System.out.println("waiting for ISR: " + last);
                nextReport = System.currentTimeMillis() + 5_000;
            }
            Thread.sleep(250);
        }
        System.err.println("ISR of " + topic + " not complete within " + timeoutMs + " ms: " + last);
        return 2;
    }

    private static int describe(Admin admin, String topic) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        d.partitions().forEach(p -> System.out.println(line(p)));
        return 0;
    }

    private static String line(TopicPartitionInfo p) {
        int leader = p.leader() == null || p.leader().isEmpty() ? -1 : p.leader().id();
        return "partition=" + p.partition() + " leader=" + leader
                + " replicas=" + ids(p.replicas()).stream().map(String::valueOf).collect(Collectors.joining(","))
                + " isr=" + ids(p.isr()).stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }
}
