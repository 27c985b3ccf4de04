package io.streamingclicks.validator.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.streamingclicks.accounting.spark.FileSourceLog;
import io.streamingclicks.validator.db.SqlFile;

/**
 * The file source's log after a compaction (as Spark leaves it: {@code 9.compact} holding batches 0..9, the deltas
 * before it deleted, later deltas, {@code .N.crc} files), read by the Java reader (accounting's
 * {@link FileSourceLog}) and by the CLI's SQL macro alike.
 */
class FileSourceLogTest {

    @TempDir
    Path chk;

    static String entry(String name, long batch) {
        return "{\"path\":\"file:///somewhere/else/landing/" + name + "\",\"timestamp\":1795314046642,\"batchId\":"
                + batch + "}";
    }

    @Test
    void aCompactedLogWithLaterDeltasNamesEveryFileWithItsBatch() throws Exception {
        Path log = Files.createDirectories(chk.resolve("sources/0"));
        StringBuilder compact = new StringBuilder("v1");
        Map<String, Long> expected = new TreeMap<>();
        for (int b = 0; b <= 9; b++) {
            compact.append('\n').append(entry("clicks-" + b + ".jsonl", b));
            expected.put("clicks-" + b + ".jsonl", (long) b);
        }
        Files.writeString(log.resolve("9.compact"), compact, StandardCharsets.UTF_8);
        Files.writeString(log.resolve("10"), "v1\n" + entry("clicks-10a.jsonl", 10) + "\n"
                + entry("clicks-10b.jsonl", 10), StandardCharsets.UTF_8);
        Files.writeString(log.resolve("11"), "v1\n" + entry("clicks-11.jsonl", 11), StandardCharsets.UTF_8);
        Files.write(log.resolve(".11.crc"), new byte[] {(byte) 0xff, 0x00, (byte) 0xfe});
        expected.put("clicks-10a.jsonl", 10L);
        expected.put("clicks-10b.jsonl", 10L);
        expected.put("clicks-11.jsonl", 11L);

        assertThat(FileSourceLog.read(chk)).isEqualTo(expected);
        assertThat(sql(chk)).isEqualTo(expected);
    }

    @Test
    void aKafkaSourcesFileAndATornLineNameNothing() throws Exception {
        Path log = Files.createDirectories(chk.resolve("sources/0"));
        Files.writeString(log.resolve("0"), "\u0000v1\n{\"clickstream_events\":{\"2\":0,\"1\":0,\"0\":0}}",
                StandardCharsets.UTF_8);
        assertThat(FileSourceLog.read(chk)).isEmpty();
        assertThat(sql(chk)).isEmpty();
        Files.writeString(log.resolve("1"), "v1\n{\"path\":\"file:///x/landing/a.jso", StandardCharsets.UTF_8);
        assertThat(FileSourceLog.read(chk)).isEmpty();
    }

    /** The CLI's {@code checkpoint_source_files} macro of queries.sql over the same directory. */
    static Map<String, Long> sql(Path chk) throws Exception {
        Properties p = new Properties();
        p.setProperty("autoinstall_known_extensions", "false");
        p.setProperty("autoload_known_extensions", "false");
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", p)) {
            try (Statement s = c.createStatement()) {
                for (String stmt : SqlFile.load().block("cli_setup")) {
                    if (stmt.contains("MACRO checkpoint_source_files")) {
                        s.execute(stmt);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM checkpoint_source_files(?)")) {
                ps.setString(1, chk.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString("source_file"), rs.getLong("source_batch"));
                    }
                }
            }
        }
        return out;
    }
}
