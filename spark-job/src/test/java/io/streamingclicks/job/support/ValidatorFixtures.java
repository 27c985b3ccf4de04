package io.streamingclicks.job.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamingclicks.contract.LedgerFormat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The data roots the ITs write for validator-service's tests, each under {@code target/validator-fixtures/<name>}:
 * that directory is all spark-job's test jar holds (pom.xml), and the validator unpacks it before its tests. A
 * fixture is a copy of a data root the job wrote, plus the producer ledger of what was sent and
 * {@code fixture.properties} (the settings the job ran with and the figures the writer expects).
 */
public final class ValidatorFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ValidatorFixtures() {
    }

    /** Replaces fixture {@code name} with a copy of these directories of the data root; returns where it is. */
    public static Path copy(Path root, String name, List<String> dirs) {
        Path fixture = Path.of(System.getProperty("streamingclicks.job.validator-fixtures",
                "target/validator-fixtures")).resolve(name).toAbsolutePath();
        Trees.delete(fixture);
        for (String dir : dirs) {
            Trees.copy(root.resolve(dir), fixture.resolve(dir));
        }
        return fixture;
    }

    /** The settings the validator must run with on the fixture, and when it was written (freshness). */
    public static Properties settings(Duration window, Duration watermark, String uvRsd) {
        Properties p = new Properties();
        p.setProperty("WINDOW_DURATION", window.toString());
        p.setProperty("WATERMARK_DELAY", watermark.toString());
        p.setProperty("UV_RSD", uvRsd);
        p.setProperty("written_at", Instant.now().toString());
        return p;
    }

    public static void store(Path fixture, Properties p, String writtenBy) throws IOException {
        try (OutputStream out = Files.newOutputStream(fixture.resolve("fixture.properties"))) {
            p.store(out, "written by spark-job " + writtenBy);
        }
        System.out.printf("validator fixture written to %s%n", fixture);
    }

    /** One ledger count key: the producer counts acknowledged events per (second, page, lateness). */
    public record LedgerKey(Instant eventTime, String page, boolean late) {
        String second() {
            return eventTime.truncatedTo(ChronoUnit.SECONDS).toString();
        }
    }

    /**
     * The ledger a producer would have written for exactly these acknowledged events (LedgerFormat): one count line
     * per key, then, on the Kafka sink, one offset line per partition with its highest acknowledged offset (the
     * landing sink writes none: pass an empty map).
     */
    public static void writeLedger(Path fixture, Instant fileStart, List<LedgerKey> events,
                                   Map<Integer, Long> maxAckedOffset) throws IOException {
        Map<String, Map<String, Object>> counts = new TreeMap<>();
        for (LedgerKey e : events) {
            String lateness = e.late() ? LedgerFormat.LATE : LedgerFormat.ON_TIME;
            Map<String, Object> line = counts.computeIfAbsent(e.second() + "\u0000" + e.page() + "\u0000" + lateness,
                    k -> {
                        Map<String, Object> l = new LinkedHashMap<>();
                        l.put(LedgerFormat.TYPE, LedgerFormat.TYPE_COUNT);
                        l.put(LedgerFormat.SECOND, e.second());
                        l.put(LedgerFormat.PAGE_ID, e.page());
                        l.put(LedgerFormat.LATENESS, lateness);
                        l.put(LedgerFormat.ACKED, 0L);
                        l.put(LedgerFormat.IN_DOUBT, 0);
                        l.put(LedgerFormat.FAILED, 0);
                        return l;
                    });
            line.put(LedgerFormat.ACKED, (Long) line.get(LedgerFormat.ACKED) + 1);
        }
        List<String> lines = new ArrayList<>();
        counts.values().forEach(l -> lines.add(json(l)));
        String at = Instant.now().toString();
        maxAckedOffset.forEach((p, o) -> {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put(LedgerFormat.TYPE, LedgerFormat.TYPE_OFFSET);
            l.put(LedgerFormat.AT, at);
            l.put(LedgerFormat.PARTITION, p);
            l.put(LedgerFormat.MAX_ACKED_OFFSET, o);
            lines.add(json(l));
        });
        Path dir = fixture.resolve("ledger");
        Files.createDirectories(dir);
        Files.write(dir.resolve(LedgerFormat.FILE_PREFIX + fileStart.toEpochMilli() + LedgerFormat.FILE_SUFFIX), lines,
                StandardCharsets.UTF_8);
    }

    private static String json(Map<String, Object> line) {
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
