package io.streamingclicks.accounting.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class SparkMetadataLogTest {

    static String add(String p) {
        return "{\"path\":\"file:///data/parquet/pv/" + p + "\",\"size\":10,\"isDir\":false,\"modificationTime\":1,"
                + "\"blockReplication\":1,\"blockSize\":33554432,\"action\":\"add\"}";
    }

    static String delete(String p) {
        return add(p).replace("\"add\"", "\"delete\"");
    }

    @Test
    void readsTheLatestCompactionAndTheDeltasAfterItOnly() {
        List<String> names = List.of("8", "9.compact", "10", "11", "19", ".12.abc.tmp", "9", "12");
        // 8 and 9 are folded into 9.compact (Spark deletes them later); 19 without 19.compact is a delta.
        assertThat(SparkMetadataLog.filesToRead(names)).containsExactly("9.compact", "10", "11", "12", "19");
        assertThat(SparkMetadataLog.filesToRead(List.of("19.compact", "9.compact", "20", "18")))
                .containsExactly("19.compact", "20");
        assertThat(SparkMetadataLog.filesToRead(List.of("0", "1", "_SUCCESS"))).containsExactly("0", "1");
    }

    @Test
    void appliesAddsAndDeletesInBatchOrder() {
        List<SparkMetadataLog.Entry> live = SparkMetadataLog.committed(List.of(
                new SparkMetadataLog.LogFile("9.compact", List.of("v1", add("a.parquet"), add("b.parquet"))),
                new SparkMetadataLog.LogFile("10", List.of("v1", add("c.parquet"), delete("a.parquet"))),
                new SparkMetadataLog.LogFile("11", List.of("v1"))));
        assertThat(live).extracting(SparkMetadataLog.Entry::path)
                .containsExactly("file:///data/parquet/pv/b.parquet", "file:///data/parquet/pv/c.parquet");
    }

    @Test
    void aLogFileWithoutItsVersionLineIsAnErrorNamingTheFile() {
        assertThatThrownBy(() -> SparkMetadataLog.committed(List.of(
                new SparkMetadataLog.LogFile("3", List.of(add("a.parquet"))))))
                .hasMessageContaining("_spark_metadata/3").hasMessageContaining("v1");
    }

    @Test
    void rebasesLoggedPathsOnTheSinkDirectory() {
        assertThat(PathRebase.relative("file:///old/root/parquet/pv/date=2026-11-21/hour=22/part-0.parquet"))
                .isEqualTo("date=2026-11-21/hour=22/part-0.parquet");
        assertThat(PathRebase.relative("file:/old/pv/part-0.parquet")).isEqualTo("part-0.parquet");
        assertThat(PathRebase.relative("hdfs://nn:8020/x/pv/date=a%20b/hour=1/p.parquet"))
                .isEqualTo("date=a b/hour=1/p.parquet");
        assertThat(PathRebase.relative("file:///my%20root/pv/date=2026-11-21/p%20q.parquet"))
                .isEqualTo("date=2026-11-21/p q.parquet");
    }

    @Test
    void rebasesATablesLocationsOnItsDirectoryWhateverTheWriterCalledIt() {
        java.nio.file.Path here = java.nio.file.Path.of("/mnt/root/warehouse/clicks/pv");
        assertThat(PathRebase.below(here, "file:/data/warehouse/clicks/pv",
                "/data/warehouse/clicks/pv/data/window_start_hour=2026-11-21-22/00000-0.parquet"))
                .contains(here.resolve("data/window_start_hour=2026-11-21-22/00000-0.parquet"));
        assertThat(PathRebase.below(here, "/data/warehouse/clicks/pv/",
                "file:///data/warehouse/clicks/pv/metadata/m%201.avro"))
                .contains(here.resolve("metadata/m 1.avro"));
        // Not below the root (a sibling table whose name starts the same, another directory): not rebased.
        assertThat(PathRebase.below(here, "/data/warehouse/clicks/pv", "/data/warehouse/clicks/pvx/data/a.parquet"))
                .isEmpty();
        assertThat(PathRebase.below(here, "/data/warehouse/clicks/pv", "/elsewhere/a.parquet")).isEmpty();
    }

    @Test
    void crcAndTempFilesAreNotLogFiles() {
        assertThat(SparkMetadataLog.filesToRead(List.of(".9.compact.crc", "9.compact", ".10.crc", "10",
                ".11.2b4e.tmp"))).containsExactly("9.compact", "10");
        assertThat(SparkMetadataLog.batchId(".10.crc")).isEmpty();
    }
}
