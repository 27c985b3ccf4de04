package io.streamingclicks.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KafkaClusterTest {

    @Test
    void clusterIdsAreKafkaShapedAndNeverReadAsAnOptionByTheStorageTool() {
        // One random id in 64 starts with '-': 10,000 draws hit that case with certainty for a broken generator.
        assertThat(IntStream.range(0, 10_000).mapToObj(i -> KafkaCluster.newClusterId()))
                .allSatisfy(id -> assertThat(id).hasSize(22).doesNotStartWith("-").matches("[A-Za-z0-9_-]+"));
    }
}
