package io.streamingclicks.validator.pipeline;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.validator.config.ValidatorSettings;

/**
 * Reuses the last snapshot for API requests while no {@code _spark_metadata} or checkpoint log file was added,
 * removed or rewritten (a listing of names, sizes and times per directory, made again only when the directory may
 * have changed: {@link DirectoryListings}) and no Iceberg table's metadata location changed; anything new there means
 * a new batch, and the snapshot is read again. The scheduled checks always read afresh.
 */
@ApplicationScoped
public class SnapshotCache {

    @Inject
    SnapshotReader reader;

    @Inject
    ValidatorSettings settings;

    private final DirectoryListings listings = new DirectoryListings();
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
            listings.appendTo(settings.checkpoint(q).resolve("offsets"), out);
            listings.appendTo(settings.checkpoint(q).resolve("commits"), out);
        }
        return out;
    }
}
