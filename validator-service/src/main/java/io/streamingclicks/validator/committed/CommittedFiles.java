package io.streamingclicks.validator.committed;

import java.nio.file.Path;
import java.util.List;

/**
 * The committed output of one sink at one moment: the files its {@code _spark_metadata} log names (rebased onto the
 * sink directory), and those it names that are not on disk (a loss, reported by a check, never read).
 */
public record CommittedFiles(Path sinkDir, List<Path> files, List<Path> missing, long latestBatch) {

    public static CommittedFiles none(Path sinkDir) {
        return new CommittedFiles(sinkDir, List.of(), List.of(), -1);
    }

    public boolean isEmpty() {
        return files.isEmpty();
    }
}
