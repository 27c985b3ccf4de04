package io.streamingclicks.validator.db;

import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.pipeline.SnapshotReader;

/** Opens a {@link Workspace} over the committed output as it is now. */
@ApplicationScoped
public class Workspaces {

    private final SqlFile sql = SqlFile.load();

    @Inject
    DuckDb db;

    @Inject
    SnapshotReader snapshots;

    @Inject
    ValidatorSettings settings;

    public Workspace open() throws SQLException {
        return Workspace.open(db, sql, snapshots.read(), settings.window().toMillis(), settings.uvRsd());
    }

    public String emptyFile(io.streamingclicks.contract.DataRoot.Sink sink) {
        return db.emptyFile(sink);
    }

    public SqlFile sql() {
        return sql;
    }
}
