package io.streamingclicks.producer.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamingclicks.contract.LedgerFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads every run's ledger file under {@code ledger/} and sums the delta lines ({@link LedgerFormat}): counts per
 * (second, page, lateness) in an event-time range, the highest acknowledged offset per partition, and the last
 * on-time event second (where a restarted producer's clock resumes), and in landing mode the landing files booked per
 * run. A torn last line (a crash mid-write) is skipped.
 */
public final class LedgerReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The summed ledger; {@code landedSeq}: per run, the highest landing-file sequence number booked (landing mode).
     */
    public record Summary(Map<LedgerKey, LedgerCounts> counts, Map<Integer, Long> maxAckedOffsets,
                          Instant lastOnTimeSecond, Instant lastSecond, Map<String, Long> landedSeq) {
    }

    private LedgerReader() {
    }

    /** Sums counts whose second lies in {@code [from, to)} (either may be null: unbounded) and page, if given. */
    public static Summary read(Path dir, Instant from, Instant to, String page) {
        Map<LedgerKey, LedgerCounts> counts = new TreeMap<>();
        Map<Integer, Long> offsets = new TreeMap<>();
        Map<String, Long> landed = new TreeMap<>();
        long lastOnTime = Long.MIN_VALUE;
        long last = Long.MIN_VALUE;
        for (Path f : files(dir)) {
            try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                String l;
                while ((l = in.readLine()) != null) {
                    JsonNode n;
                    try {
                        n = JSON.readTree(l);
                    } catch (IOException torn) {
                        continue;
                    }
                    if (n == null || !n.isObject()) {
                        continue;
                    }
                    String type = n.path(LedgerFormat.TYPE).asText();
                    if (LedgerFormat.TYPE_OFFSET.equals(type)) {
                        offsets.merge(n.path(LedgerFormat.PARTITION).asInt(), n.path(LedgerFormat.MAX_ACKED_OFFSET)
                                .asLong(), Math::max);
                    } else if (LedgerFormat.TYPE_LANDED.equals(type)) {
                        landed.merge(n.path(LedgerFormat.RUN).asText(), n.path(LedgerFormat.MAX_SEQ).asLong(),
                                Math::max);
                    } else if (LedgerFormat.TYPE_COUNT.equals(type)) {
                        long second = Instant.parse(n.path(LedgerFormat.SECOND).asText()).getEpochSecond();
                        boolean late = LedgerFormat.LATE.equals(n.path(LedgerFormat.LATENESS).asText());
                        last = Math.max(last, second);
                        if (!late) {
                            lastOnTime = Math.max(lastOnTime, second);
                        }
                        String pageId = n.path(LedgerFormat.PAGE_ID).asText();
                        if ((from != null && second < from.getEpochSecond())
                                || (to != null && second >= to.getEpochSecond())
                                || (page != null && !page.equals(pageId))) {
                            continue;
                        }
                        counts.computeIfAbsent(new LedgerKey(second, pageId, late), k -> new LedgerCounts())
                                .add(n.path(LedgerFormat.ACKED).asLong(), n.path(LedgerFormat.IN_DOUBT).asLong(),
                                        n.path(LedgerFormat.FAILED).asLong());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the ledger file " + f, e);
            }
        }
        return new Summary(counts, offsets,
                lastOnTime == Long.MIN_VALUE ? null : Instant.ofEpochSecond(lastOnTime),
                last == Long.MIN_VALUE ? null : Instant.ofEpochSecond(last), landed);
    }

    public static Summary readAll(Path dir) {
        return read(dir, null, null, null);
    }

    /** The run ids (run start, epoch ms) of the ledger files in {@code dir}. */
    public static java.util.Set<String> runIds(Path dir) {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        for (Path f : files(dir)) {
            String n = f.getFileName().toString();
            ids.add(n.substring(LedgerFormat.FILE_PREFIX.length(), n.length() - LedgerFormat.FILE_SUFFIX.length()));
        }
        return ids;
    }

    static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(LedgerFormat.FILE_PREFIX) && name.endsWith(LedgerFormat.FILE_SUFFIX);
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the ledger directory " + dir, e);
        }
    }
}
