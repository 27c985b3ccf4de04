package io.streamingclicks.validator.uv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.db.DuckDb;
import io.streamingclicks.validator.db.DuckDbAccess;
import io.streamingclicks.validator.db.SqlFile;
import io.streamingclicks.validator.db.Workspace;
import io.streamingclicks.validator.fixture.SketchRoot;
import io.streamingclicks.validator.pipeline.OutputSnapshot;
import io.streamingclicks.validator.pipeline.SnapshotReader;

/**
 * The unions the API serves per hour and day, read by partition and kept per bucket file set, are the unions of all
 * the range's sketches; a kept bucket is served without reading its files again.
 */
class UvBucketsTest {

    static final int LG_K = 14;

    @TempDir
    static Path tmp;

    static SketchRoot data;
    static ValidatorSettings settings;
    static DuckDb db;
    static OutputSnapshot snapshot;

    @BeforeAll
    static void write() throws Exception {
        data = new SketchRoot(tmp.resolve("data"), 48, LG_K, 500, 50_000).write(7L);
        settings = new ValidatorSettings(new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(
                Map.of("DATA_DIR", data.root().toString(), "UV_RSD", "0.01"), "test", 500)).build());
        db = DuckDbAccess.open(settings);
        snapshot = SnapshotReader.read(settings);
    }

    @AfterAll
    static void close() throws Exception {
        DuckDbAccess.close(db);
    }

    static Workspace workspace() throws SQLException {
        return Workspace.open(db, SqlFile.load(), snapshot, settings.window().toMillis(), settings.uvRsd());
    }

    @Test
    void bucketsEqualTheUnionOfEverySketchOfTheRange_thenComeFromTheCacheWithoutReadingFiles() throws Exception {
        Instant from = SketchRoot.BASE;
        Instant to = data.end();
        UvBuckets cached = UvBuckets.of(settings, 100);
        for (Duration size : List.of(Duration.ofHours(1), Duration.ofDays(1))) {
            try (Workspace ws = workspace()) {
                Long sealed = ws.snapshot().sealedMs();
                List<UvBucket> all = SketchUnion.buckets(UvReads.sketches(ws, from, to), size, LG_K, sealed);
                assertThat(all).hasSize((int) (Duration.between(from, to).toMillis() / size.toMillis()));
                assertThat(cached.buckets(ws, size, from, to, LG_K, sealed)).isEqualTo(all);
                // Half the range: only its buckets, the same unions.
                Instant mid = from.plus(Duration.ofDays(1));
                assertThat(cached.buckets(ws, size, from, mid, LG_K, sealed))
                        .isEqualTo(all.stream().filter(b -> b.start().isBefore(mid)).toList());
            }
        }
        // A workspace made before the files go: making one creates the views, which opens the files.
        try (Workspace ws = workspace()) {
            Long sealed = ws.snapshot().sealedMs();
            List<UvBucket> days = cached.buckets(ws, Duration.ofDays(1), from, to, LG_K, sealed);
            try (Stream<Path> files = Files.walk(data.root().resolve("parquet/uv"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
                    Files.delete(f);
                }
            }
            // Same snapshot, same file lists: the kept unions, no file opened (there is none left to open).
            assertThat(cached.buckets(ws, Duration.ofDays(1), from, to, LG_K, sealed)).isEqualTo(days);
            assertThatThrownBy(() -> UvBuckets.of(settings, 0).buckets(ws, Duration.ofDays(1), from, to, LG_K,
                    sealed)).isInstanceOf(SQLException.class);
        }
    }
}
