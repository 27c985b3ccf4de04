package io.streamingclicks.job.support;

import io.streamingclicks.accounting.ledger.LedgerCodec;
import io.streamingclicks.accounting.ledger.LedgerCounts;
import io.streamingclicks.accounting.ledger.LedgerFiles;
import io.streamingclicks.accounting.ledger.LedgerKey;
import io.streamingclicks.accounting.ledger.LedgerLine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

    /**
     * The ledger a producer would have written for exactly these acknowledged events, one per key given (through
     * accounting's {@link LedgerCodec}): one count line per key, then, on the Kafka sink, one offset line per
     * partition with its highest acknowledged offset (the landing sink writes none: pass an empty map).
     */
    public static void writeLedger(Path fixture, Instant fileStart, List<LedgerKey> events,
                                   Map<Integer, Long> maxAckedOffset) throws IOException {
        Map<LedgerKey, LedgerCounts> counts = new TreeMap<>();
        events.forEach(k -> counts.computeIfAbsent(k, x -> new LedgerCounts()).add(1, 0, 0));
        List<String> lines = new ArrayList<>();
        counts.forEach((k, c) -> lines.add(LedgerCodec.encode(LedgerLine.Count.of(k, c))));
        Instant at = Instant.now();
        maxAckedOffset.forEach((p, o) -> lines.add(LedgerCodec.encode(new LedgerLine.Offset(at, p, o))));
        Path dir = fixture.resolve("ledger");
        Files.createDirectories(dir);
        Files.write(LedgerFiles.file(dir, Long.toString(fileStart.toEpochMilli())), lines, StandardCharsets.UTF_8);
    }
}
