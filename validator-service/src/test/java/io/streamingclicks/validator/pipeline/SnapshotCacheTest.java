package io.streamingclicks.validator.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.fixture.StackFixture;

/** API requests reuse the snapshot until a batch lands in a _spark_metadata log or a checkpoint. */
class SnapshotCacheTest {

    @TempDir
    Path tmp;

    @Test
    void aNewBatchInTheLogIsSeenAndNothingElseTriggersARead() throws Exception {
        StackFixture f = new StackFixture(tmp.resolve("data")).write();
        ValidatorSettings settings = new ValidatorSettings(new SmallRyeConfigBuilder().withSources(
                new PropertiesConfigSource(Map.of("DATA_DIR", f.root().toString()), "test", 500)).build());
        SnapshotCache cache = new SnapshotCache();
        cache.settings = settings;
        cache.reader = new SnapshotReader();
        cache.reader.settings = settings;

        OutputSnapshot first = cache.current();
        assertThat(cache.current()).isSameAs(first);

        // A new orphan file changes nothing: it is not output.
        Path pv = f.root().resolve("parquet/pv");
        Path orphan;
        try (Stream<Path> s = Files.walk(pv)) {
            orphan = s.filter(p -> p.getFileName().toString().startsWith("part-99998")).findFirst().orElseThrow();
        }
        assertThat(cache.current()).isSameAs(first);

        // Batch 14 commits it: the next request sees one more pv file.
        Files.writeString(pv.resolve("_spark_metadata/14"), "v1\n{\"path\":\"file://" + orphan + "\",\"size\":"
                + Files.size(orphan) + ",\"isDir\":false,\"modificationTime\":1,\"blockReplication\":1,"
                + "\"blockSize\":33554432,\"action\":\"add\"}");
        OutputSnapshot second = cache.current();
        assertThat(second).isNotSameAs(first);
        assertThat(second.files().get(Sink.PV).files()).hasSize(first.files().get(Sink.PV).files().size() + 1)
                .contains(orphan);
    }
}
