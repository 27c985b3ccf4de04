package io.streamingclicks.accounting.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes Spark's log files as Spark 3.5 lays them out, for the tests of this package. */
final class SparkLogFiles {

    private SparkLogFiles() {
    }

    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** A {@code _spark_metadata} add line for {@code uri}. */
    static String add(String uri) {
        return "{\"path\":\"" + uri + "\",\"size\":10,\"isDir\":false,\"modificationTime\":1,"
                + "\"blockReplication\":1,\"blockSize\":33554432,\"action\":\"add\"}";
    }

    static String delete(String uri) {
        return add(uri).replace("\"add\"", "\"delete\"");
    }

    /** {@code offsets/N} of a Kafka query. */
    static void kafkaOffsets(Path chk, long batch, long watermarkMs, long p0, long p1) throws IOException {
        write(chk.resolve("offsets/" + batch), "v1\n{\"batchWatermarkMs\":" + watermarkMs + ",\"batchTimestampMs\":1,"
                + "\"conf\":{}}\n{\"clickstream_events\":{\"1\":" + p1 + ",\"0\":" + p0 + "}}");
        write(chk.resolve("offsets/." + batch + ".crc"), "crc");
    }

    /** {@code offsets/N} of a file-source query. */
    static void fileOffsets(Path chk, long batch, long logOffset) throws IOException {
        write(chk.resolve("offsets/" + batch), "v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":1,\"conf\":{}}\n"
                + "{\"logOffset\":" + logOffset + "}");
    }

    static void commit(Path chk, long batch) throws IOException {
        write(chk.resolve("commits/" + batch), "v1\n{\"nextBatchWatermarkMs\":0}");
        write(chk.resolve("commits/." + batch + ".crc"), "crc");
    }
}
