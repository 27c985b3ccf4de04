package io.streamingclicks.job.bench;

import io.streamingclicks.job.support.SampleRoot;
import io.streamingclicks.job.support.TestSpark;
import io.streamingclicks.job.support.TruthTraffic;

import org.apache.spark.sql.Row;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.expr;

/**
 * The data root {@code make bench-samples} measures (spark-job/bench/bench-samples.sh runs it from the test
 * classpath): {@link TruthTraffic} at RATE events/s for HOURS from START, committed in batches of BATCH_MIN minutes
 * through the job's own sink, then sealed an hour past the end, so every range inside it is final. A root whose
 * recorded parameters match is reused as it is: a rerun re-measures, it does not re-draw 17 M events.
 * <pre>SynthesizeSampleRoot ROOT RATE HOURS START BATCH_MIN</pre>
 */
public final class SynthesizeSampleRoot {

    /** Written last: its presence means the root is complete, its text which traffic it holds. */
    static final String MARKER = "bench-root.txt";
    /** Epoch second of each minute, tab, its events. */
    static final String PER_MINUTE = "events-per-minute.tsv";
    private static final Duration WINDOW = Duration.ofMinutes(5);

    private SynthesizeSampleRoot() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            System.err.println("usage: SynthesizeSampleRoot ROOT RATE HOURS START BATCH_MIN");
            System.exit(2);
        }
        Path root = Path.of(args[0]).toAbsolutePath();
        double rate = Double.parseDouble(args[1]);
        int hours = Integer.parseInt(args[2]);
        Instant start = Instant.parse(args[3]);
        Duration batch = Duration.ofMinutes(Long.parseLong(args[4]));
        TruthTraffic traffic = TruthTraffic.defaults(rate);
        String params = "traffic=" + traffic + "\nhours=" + hours + "\nstart=" + start + "\nbatch=" + batch
                + "\nwindow=" + WINDOW + "\n";
        Path marker = root.resolve(MARKER);
        if (Files.isRegularFile(marker) && Files.readString(marker).startsWith(params)) {
            System.out.println("[bench] reusing " + root + " (same traffic): " + lastLine(marker));
            return;
        }
        deleteTree(root);
        Files.createDirectories(root);
        Instant end = start.plus(Duration.ofHours(hours));
        System.out.println("[bench] synthesizing " + hours + " h at " + rate + " events/s from " + start + " into "
                + root + " (batches of " + batch + ")");
        long t0 = System.nanoTime();
        SampleRoot sampleRoot = new SampleRoot(TestSpark.get(), root, WINDOW);
        TruthTraffic.Summary s = traffic.write(sampleRoot, start, end, batch, end.plus(Duration.ofHours(1)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        String summary = String.format("events=%d views=%d clicks=%d others=%d batches=%d synth_s=%.0f",
                s.events(), s.views(), s.clicks(), s.others(), s.batches(), seconds);
        writeEventsPerMinute(root);
        Files.writeString(marker, params + summary + "\n");
        System.out.println("[bench] " + summary);
        TestSpark.get().stop();
    }

    /**
     * {@value #PER_MINUTE}: events per minute of event time, from which the bench knows how many events a range's
     * run reads (every event here is counted) without the command counting them.
     */
    private static void writeEventsPerMinute(Path root) throws IOException {
        StringBuilder out = new StringBuilder();
        for (Row r : TestSpark.get().read().parquet(root.resolve("parquet/events").toString())
                .groupBy(expr("floor(unix_micros(event_time) / 60000000) * 60").as("minute")).count()
                .orderBy("minute").collectAsList()) {
            out.append(r.getLong(0)).append('\t').append(r.getLong(1)).append('\n');
        }
        Files.writeString(root.resolve(PER_MINUTE), out);
    }

    private static String lastLine(Path p) throws IOException {
        var lines = Files.readAllLines(p);
        return lines.get(lines.size() - 1);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
