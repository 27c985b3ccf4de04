package io.streamingclicks.job.maintenance;

import io.streamingclicks.contract.ProgressFormat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The longest micro-batch the job reported in {@code progress/} (every query, the rolled files too). A data file an
 * append wrote but has not committed yet is an orphan until the commit: orphan removal spares files younger than the
 * longest batch, so it never deletes the file of a batch in flight.
 */
public final class LongestBatch {

    private static final Pattern DURATION = Pattern.compile("\"" + ProgressFormat.BATCH_DURATION_MS + "\":(\\d+)");

    private LongestBatch() {
    }

    /** Zero when there is no progress directory (a data root that is not local has none). */
    public static Duration in(String location) {
        URI uri = URI.create(location.replace(" ", "%20"));
        if (uri.getScheme() == null) {
            return in(Path.of(location));
        }
        return "file".equals(uri.getScheme()) ? in(Path.of(uri)) : Duration.ZERO;
    }

    static Duration in(Path progress) {
        if (!Files.isDirectory(progress)) {
            return Duration.ZERO;
        }
        long max = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(progress, "*" + ProgressFormat.FILE_SUFFIX + "*")) {
            for (Path f : files) {
                max = Math.max(max, longest(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the progress files in " + progress + ": " + e.getMessage(), e);
        }
        return Duration.ofMillis(max);
    }

    private static long longest(Path file) throws IOException {
        long max = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                Matcher m = DURATION.matcher(line);
                if (m.find()) {
                    max = Math.max(max, Long.parseLong(m.group(1)));
                }
            }
        }
        return max;
    }
}
