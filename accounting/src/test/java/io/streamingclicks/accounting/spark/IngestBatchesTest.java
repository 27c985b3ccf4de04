package io.streamingclicks.accounting.spark;

import static io.streamingclicks.accounting.spark.SparkLogFiles.commit;
import static io.streamingclicks.accounting.spark.SparkLogFiles.fileOffsets;
import static io.streamingclicks.accounting.spark.SparkLogFiles.kafkaOffsets;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest batch of a record, from chk/ingest alone: by Kafka offset range, or by landing file's log batch. */
class IngestBatchesTest {

    @TempDir
    Path chk;

    @Test
    void aKafkaRecordBelongsToTheFirstPlannedBatchWhoseEndIsAboveIt() throws Exception {
        kafkaOffsets(chk, 0, 0, 5, 3);
        kafkaOffsets(chk, 1, 0, 5, 7); // partition 0 empty in batch 1
        kafkaOffsets(chk, 2, 0, 9, 7); // planned, not committed: on Iceberg its rows may be in the table already
        commit(chk, 0);
        commit(chk, 1);
        IngestBatches b = new IngestBatches(CheckpointLog.read(chk), Map.of());
        assertThat(b.ofKafka(0, 0)).hasValue(0);
        assertThat(b.ofKafka(0, 4)).hasValue(0);
        assertThat(b.ofKafka(0, 5)).hasValue(2);
        assertThat(b.ofKafka(1, 3)).hasValue(1);
        assertThat(b.ofKafka(1, 7)).as("not read yet").isEmpty();
        assertThat(b.ofKafka(2, 0)).as("no such partition").isEmpty();
        assertThat(b.kafkaRanges()).containsExactlyInAnyOrder(new IngestBatches.KafkaRange(0, null, 5, 0),
                new IngestBatches.KafkaRange(1, null, 3, 0), new IngestBatches.KafkaRange(1, 3L, 7, 1),
                new IngestBatches.KafkaRange(0, 5L, 9, 2));
    }

    @Test
    void aLandingFileBelongsToTheFirstBatchWhoseLogOffsetReachesItsLogBatch() throws Exception {
        fileOffsets(chk, 0, 0);
        fileOffsets(chk, 1, 0); // read nothing new
        fileOffsets(chk, 2, 2);
        IngestBatches b = new IngestBatches(CheckpointLog.read(chk), Map.of("a.jsonl", 0L, "b.jsonl", 1L,
                "c.jsonl", 2L, "d.jsonl", 3L));
        assertThat(b.ofFile("a.jsonl")).hasValue(0);
        assertThat(b.ofFile("b.jsonl")).hasValue(2);
        assertThat(b.ofFile("c.jsonl")).hasValue(2);
        assertThat(b.ofFile("d.jsonl")).as("listed, not read by a planned batch").isEmpty();
        assertThat(b.files()).containsOnlyKeys("a.jsonl", "b.jsonl", "c.jsonl");
    }
}
