package io.streamingclicks.validator.dq;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.streamingclicks.validator.committed.SinkFiles;
import io.streamingclicks.validator.pipeline.OutputSnapshot;

/**
 * {@code committed_files_present}: every file the output's commit record names (a {@code _spark_metadata} log, an
 * Iceberg table's manifests) is on disk, and every sink could be read at all (an Iceberg table whose metadata file is
 * unreadable, or that holds delete files, cannot). Names the sink, the file and what named it.
 */
final class CommittedFilesPresent {

    static final String NAME = "committed_files_present";
    private static final int NAMED = 3;

    private CommittedFilesPresent() {
    }

    static CheckResult of(OutputSnapshot snapshot) {
        long missing = 0;
        long unreadable = 0;
        boolean iceberg = false;
        List<String> details = new ArrayList<>();
        for (SinkFiles f : snapshot.files().values()) {
            iceberg |= f.origin().startsWith("Iceberg");
            if (f.error() != null) {
                unreadable++;
                details.add(f.error());
            }
            if (!f.missing().isEmpty()) {
                missing += f.missing().size();
                List<String> names = f.missing().stream().limit(NAMED).map(Path::toString).toList();
                details.add(f.origin() + " names " + String.join(", ", names)
                        + (f.missing().size() > NAMED ? " and " + (f.missing().size() - NAMED) + " more" : ""));
            }
        }
        String detail = missing + " files named by " + (iceberg ? "the tables' manifests" : "_spark_metadata")
                + " are missing on disk" + (unreadable > 0 ? ", " + unreadable + " outputs unreadable" : "")
                + (details.isEmpty() ? "" : ": " + String.join("; ", details));
        return CheckResult.zero(NAME, missing + unreadable, detail);
    }
}
