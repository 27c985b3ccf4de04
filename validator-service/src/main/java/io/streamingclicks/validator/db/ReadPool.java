package io.streamingclicks.validator.db;

import java.sql.SQLException;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.pipeline.OutputSnapshot;
import io.streamingclicks.validator.pipeline.SnapshotCache;

/**
 * Workspaces for API reads, kept between requests. Setting a connection up (the views of queries.sql, the snapshot's
 * variables and tables) costs several times the query a request runs, and none of it changes while the snapshot does
 * not: a lease gets an idle workspace, re-bound first only when the snapshot moved on since it last served. A lease
 * holds one snapshot from start to end, whatever lands meanwhile; a new lease sees the newest. The files of the
 * snapshot, whole and by time partition, are worked out once per snapshot ({@link SnapshotFiles}), so narrowing a
 * read to the partitions of a window (Top-N) or of a range of hours (UV from the window sketches) costs a lookup.
 */
@ApplicationScoped
public class ReadPool {

    private static final Logger LOG = Logger.getLogger(ReadPool.class);

    @Inject
    DuckDb db;

    @Inject
    SnapshotCache snapshots;

    @Inject
    ValidatorSettings settings;

    /** At most this many API reads run at once (DuckDB runs them on validator.duckdb.threads anyway). */
    @ConfigProperty(name = "validator.read-pool.size", defaultValue = "4")
    int size;

    final SqlFile sql = SqlFile.load();
    private final Deque<Workspace> idle = new ConcurrentLinkedDeque<>();
    private Semaphore permits;
    private SnapshotFiles files;

    @PostConstruct
    void init() {
        permits = new Semaphore(size, true);
    }

    /** A workspace over the committed output as last seen, for one request; close it to give it back. */
    public Workspace lease() throws SQLException {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted waiting for a read connection", e);
        }
        try {
            SnapshotFiles now = filesOf(snapshots.current());
            // Last in, first out: the warmest connection, and the others can stay bound to an older snapshot.
            Workspace ws = idle.pollFirst();
            if (ws == null) {
                ws = Workspace.open(db, sql, now, settings.window().toMillis(), settings.uvRsd(), this);
            } else if (ws.snapshot() != now.snapshot()) {
                rebind(ws, now);
            }
            ws.lease();
            return ws;
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private static void rebind(Workspace ws, SnapshotFiles now) throws SQLException {
        try {
            ws.bind(now);
        } catch (SQLException | RuntimeException e) {
            ws.closeConnection();
            throw e;
        }
    }

    /** One {@link SnapshotFiles} per snapshot: the cache hands out the same snapshot object until a log changes. */
    private synchronized SnapshotFiles filesOf(OutputSnapshot snap) {
        if (files == null || files.snapshot() != snap) {
            files = new SnapshotFiles(snap);
        }
        return files;
    }

    void giveBack(Workspace ws) {
        try {
            if (ws.broken()) {
                ws.closeConnection();
            } else {
                idle.addFirst(ws);
            }
        } catch (SQLException e) {
            LOG.warnf("closing a failed read connection: %s", e.getMessage());
        } finally {
            permits.release();
        }
    }

    @PreDestroy
    void close() {
        for (Workspace ws; (ws = idle.pollFirst()) != null; ) {
            try {
                ws.closeConnection();
            } catch (SQLException e) {
                LOG.warnf("closing a read connection: %s", e.getMessage());
            }
        }
    }
}
