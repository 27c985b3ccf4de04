package io.streamingclicks.validator.pipeline;

import io.streamingclicks.validator.config.ValidatorSettings;

/** Wires a {@link SnapshotCache} outside CDI, for tests that wire components by hand. */
public final class SnapshotCacheAccess {

    private SnapshotCacheAccess() {
    }

    public static SnapshotCache of(ValidatorSettings settings) {
        SnapshotCache cache = new SnapshotCache();
        cache.settings = settings;
        cache.reader = new SnapshotReader();
        cache.reader.settings = settings;
        return cache;
    }
}
