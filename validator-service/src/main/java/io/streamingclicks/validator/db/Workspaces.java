package io.streamingclicks.validator.db;

import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.pipeline.SnapshotCache;

/** Opens a {@link Workspace} over the committed output as it is now. */
@ApplicationScoped
public class Workspaces {

    private final SqlFile sql = SqlFile.load();

    @Inject
    DuckDb db;

    @Inject
    SnapshotCache snapshots;

    @Inject
    ReadPool pool;

    @Inject
    ValidatorSettings settings;

    /**
     * Over the committed output as last seen, re-read whenever a log or checkpoint changed (API requests): a pooled
     * workspace, given back on close.
     */
    public Workspace open() throws SQLException {
        return pool.lease();
    }

    /** Over the committed output read afresh, every named file checked on disk (the scheduled checks). */
    public Workspace openFresh() throws SQLException {
        return Workspace.open(db, sql, snapshots.fresh(), settings.window().toMillis(), settings.uvRsd());
    }

    public SqlFile sql() {
        return sql;
    }
}
