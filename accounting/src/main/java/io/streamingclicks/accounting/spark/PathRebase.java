package io.streamingclicks.accounting.spark;

import java.net.URI;
import java.nio.file.Path;

/**
 * Turns a path from {@code _spark_metadata} (an absolute URI written where the job ran) into a file under the sink
 * directory as this process sees it: the part below the sink is the file name and its {@code key=value} partition
 * directories, so the reader still works when the data root was moved or is mounted elsewhere.
 */
public final class PathRebase {

    private PathRebase() {
    }

    /** The path below the sink directory: {@code date=2026-11-21/hour=22/part-0000.parquet}. */
    public static String relative(String loggedPath) {
        String p = loggedPath;
        if (p.contains("://") || p.startsWith("file:")) {
            p = URI.create(p.replace(" ", "%20")).getPath();
        }
        String[] parts = p.split("/");
        int first = parts.length - 1;
        while (first > 0 && parts[first - 1].contains("=")) {
            first--;
        }
        return String.join("/", java.util.Arrays.copyOfRange(parts, first, parts.length));
    }

    public static Path onto(Path sinkDir, String loggedPath) {
        return sinkDir.resolve(relative(loggedPath)).normalize();
    }
}
