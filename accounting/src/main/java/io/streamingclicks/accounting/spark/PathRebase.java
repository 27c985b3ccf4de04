package io.streamingclicks.accounting.spark;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns a path from {@code _spark_metadata} (an absolute URI written where the job ran) into a file under the sink
 * directory as this process sees it: the part below the sink is the file name and its {@code key=value} partition
 * directories, so the reader still works when the data root was moved or is mounted elsewhere. An Iceberg table's
 * files are rebased the same way on the table's directory ({@link #below}): its metadata names them by absolute
 * location too.
 */
public final class PathRebase {

    private PathRebase() {
    }

    /** The path below the sink directory: {@code date=2026-11-21/hour=22/part-0000.parquet}. */
    public static String relative(String loggedPath) {
        String[] parts = path(loggedPath).split("/");
        int first = parts.length - 1;
        while (first > 0 && parts[first - 1].contains("=")) {
            first--;
        }
        return String.join("/", java.util.Arrays.copyOfRange(parts, first, parts.length));
    }

    public static Path onto(Path sinkDir, String loggedPath) {
        return sinkDir.resolve(relative(loggedPath)).normalize();
    }

    /**
     * The path of a logged location, URI-decoded when it is a URI ({@code file:///data/a%20b} -> {@code /data/a b}),
     * as it is when it is a plain path.
     */
    public static String path(String logged) {
        if (logged.contains("://") || logged.startsWith("file:")) {
            return URI.create(logged.replace(" ", "%20")).getPath();
        }
        return logged;
    }

    /**
     * {@code logged} moved from below {@code loggedRoot} (a directory as the writer named it, e.g. an Iceberg table's
     * location {@code file:/data/warehouse/clicks/pv}) to below {@code dir}; empty when it is not below that root.
     */
    public static Optional<Path> below(Path dir, String loggedRoot, String logged) {
        String root = trimSlashes(path(loggedRoot));
        String p = path(logged);
        if (!p.startsWith(root + "/")) {
            return Optional.empty();
        }
        return Optional.of(dir.resolve(p.substring(root.length() + 1)).normalize());
    }

    private static String trimSlashes(String p) {
        String s = p;
        while (s.length() > 1 && s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
