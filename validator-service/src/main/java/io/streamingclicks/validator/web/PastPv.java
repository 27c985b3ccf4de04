package io.streamingclicks.validator.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.contract.OutputFormat;
import io.streamingclicks.contract.Setting;
import io.streamingclicks.validator.committed.IcebergFiles;
import io.streamingclicks.validator.committed.IcebergTables;
import io.streamingclicks.validator.committed.NoSnapshotAt;
import io.streamingclicks.validator.committed.SinkFiles;
import io.streamingclicks.validator.committed.TableReadException;
import io.streamingclicks.validator.config.ValidatorSettings;

/**
 * pv as it was at an instant ({@code asOf} of {@code /api/topn}): the files of the pv table's snapshot current then.
 * Read per request and never cached: the snapshot cache and the pooled workspaces hold the current snapshot only, so
 * a read of the past cannot be served to a request for now. Only the Iceberg format keeps snapshots; asking the
 * Parquet format is a 400, a time the table cannot answer a 404 saying why.
 */
@ApplicationScoped
public class PastPv {

    static final String FIELD = "asOf";

    @Inject
    ValidatorSettings settings;

    private volatile IcebergFiles tables;

    /** The instant of {@code text}, null when absent; a 400 naming {@code asOf} on a malformed value or on Parquet. */
    Instant parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (settings.outputFormat() != OutputFormat.ICEBERG) {
            throw new BadParameter(FIELD, "absent: time travel needs OUTPUT_FORMAT=iceberg (snapshots of the pv"
                    + " table), this validator reads OUTPUT_FORMAT=" + settings.outputFormat().id(), text);
        }
        return Params.instant(FIELD, text);
    }

    /** pv's data files in the snapshot current at {@code asOf}; a 404 when there was none or it was expired. */
    SinkFiles at(Instant asOf) {
        try {
            return tables().past(Sink.PV, asOf);
        } catch (NoSnapshotAt e) {
            throw new WebApplicationException(notFound(e));
        } catch (TableReadException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", "table_unreadable");
            body.put("message", e.getMessage());
            throw new WebApplicationException(Response.status(503).type(MediaType.APPLICATION_JSON).entity(body)
                    .build());
        }
    }

    private Response notFound(NoSnapshotAt e) {
        Map<String, Object> body = new LinkedHashMap<>();
        boolean expired = e.reason() == NoSnapshotAt.Reason.EXPIRED;
        body.put("error", expired ? "snapshot_expired" : "no_snapshot");
        body.put("field", FIELD);
        body.put("table", e.table());
        body.put("as_of", e.asOf());
        String message = e.getMessage();
        if (expired) {
            String retention = Setting.ICEBERG_SNAPSHOT_RETENTION.name() + "=" + settings.snapshotRetention();
            body.put("retention", retention);
            message += " (the job's compaction expires snapshots older than " + retention + ")";
        }
        body.put("message", message);
        Map<String, Object> oldest = null;
        if (e.oldestId() != null) {
            oldest = new LinkedHashMap<>();
            oldest.put("id", Long.toString(e.oldestId()));
            oldest.put("committed_at", e.oldestAt());
        }
        body.put("oldest_snapshot", oldest);
        return Response.status(404).type(MediaType.APPLICATION_JSON).entity(body).build();
    }

    private IcebergFiles tables() {
        IcebergFiles t = tables;
        if (t == null) {
            t = new IcebergFiles(IcebergTables.of(settings));
            tables = t;
        }
        return t;
    }
}
