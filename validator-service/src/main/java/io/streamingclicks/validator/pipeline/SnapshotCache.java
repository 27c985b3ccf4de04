package io.streamingclicks.validator.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.validator.config.ValidatorSettings;

/**
 * Reuses the last snapshot for API requests while no {@code _spark_metadata} or checkpoint log file was added,
 * removed or rewritten (a listing of names, sizes and times per directory) and no Iceberg table's metadata location
 * changed; anything new there means a new batch, and the snapshot is read again. The scheduled checks always read
 * afresh.
 */
@ApplicationScoped
public class SnapshotCache {

    @Inject
    SnapshotReader reader;

    @Inject
    ValidatorSettings settings;

    private List<String> fingerprint;
    private OutputSnapshot snapshot;

    public synchronized OutputSnapshot current() {
        List<String> now = fingerprint();
        if (snapshot == null || !now.equals(fingerprint)) {
            snapshot = reader.read();
            fingerprint = now;
        }
        return snapshot;
    }

    public synchronized OutputSnapshot fresh() {
        snapshot = reader.read();
        fingerprint = fingerprint();
        return snapshot;
    }

    private List<String> fingerprint() {
        List<String> out = new ArrayList<>();
        reader.committed().fingerprint(out);
        for (DataRoot.Query q : SnapshotReader.QUERIES) {
            list(settings.checkpoint(q).resolve("offsets"), out);
            list(settings.checkpoint(q).resolve("commits"), out);
        }
        return out;
    }

    private static void list(Path dir, List<String> out) {
        if (!Files.isDirectory(dir)) {
            out.add(dir + ":none");
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.sorted().forEach(p -> {
                try {
                    out.add(p + ":" + Files.size(p) + ":" + Files.getLastModifiedTime(p).toMillis());
                } catch (IOException gone) {
                    out.add(p + ":gone");
                }
            });
        } catch (IOException e) {
            out.add(dir + ":unreadable");
        }
    }
}
