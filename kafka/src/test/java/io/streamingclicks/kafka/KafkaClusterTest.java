package io.streamingclicks.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamingclicks.contract.Setting;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KafkaClusterTest {

    @Test
    void clusterIdsAreKafkaShapedAndNeverReadAsAnOptionByTheStorageTool() {
        // One random id in 64 starts with '-': 10,000 draws hit that case with certainty for a broken generator.
        assertThat(IntStream.range(0, 10_000).mapToObj(i -> KafkaCluster.newClusterId()))
                .allSatisfy(id -> assertThat(id).hasSize(22).doesNotStartWith("-").matches("[A-Za-z0-9_-]+"));
    }

    @Test
    void theDefaultClusterListensWhereTheSettingsLookForIt() {
        KafkaCluster cluster = KafkaCluster.builder().libDir(Path.of(".")).build();
        assertThat(cluster.bootstrapServers()).isEqualTo(Setting.KAFKA_BOOTSTRAP_SERVERS.defaultValue());
        assertThat(cluster.dir().endsWith(Path.of(KafkaCluster.DEFAULT_DIR))).as("%s", cluster.dir()).isTrue();
    }
}
