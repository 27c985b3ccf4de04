package io.streamingclicks.validator.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import com.fasterxml.jackson.databind.JsonNode;

import io.streamingclicks.accounting.spark.BatchOffsets;
import io.streamingclicks.accounting.spark.CheckpointLog;
import io.streamingclicks.contract.DataRoot.Query;
import io.streamingclicks.contract.ProgressFormat;
import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.db.Workspace;
import io.streamingclicks.validator.db.Workspaces;
import io.streamingclicks.validator.pipeline.ProgressReader;

/**
 * The pipeline panel: per query (ingest, windows) the latest progress line ({@code progress/}), the committed watermark and batch
 * ({@code chk/}), the sealed watermark of the stack, quarantine counts by reason and the events dropped as late
 * (by Kafka partition and offset, or by landing file and line), and where each sink's committed files were read
 * from.
 */
@Path("/api/pipeline")
@Produces(MediaType.APPLICATION_JSON)
public class PipelineResource {

    static final int RECENT = 20;

    @Inject
    Workspaces workspaces;

    @Inject
    ValidatorSettings settings;

    @GET
    @Operation(summary = "Watermarks, rates, rows dropped by watermark, quarantine and late events")
    public Map<String, Object> pipeline() throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        try (Workspace ws = workspaces.open()) {
            Map<String, Object> queries = new LinkedHashMap<>();
            for (Query q : Query.values()) {
                queries.put(q.dir(), query(q, ws.snapshot().batches().getOrDefault(q, List.of())));
            }
            Long sealed = ws.snapshot().sealedMs();
            out.put("sealed_watermark", sealed == null ? null : Instant.ofEpochMilli(sealed));
            out.put("queries", queries);
            out.put("output", output(ws));
            out.put("quarantine", ws.rows("dq_quarantine_reasons"));
            long late = 0;
            for (Map<String, Object> r : ws.rows("pv_accounting")) {
                late += ((Number) r.get("late_events")).longValue();
            }
            out.put("late_events_total", late);
            // On the file source a late event is named by its landing file and line: read only the files holding one.
            java.util.Set<String> lateFiles = new java.util.HashSet<>();
            ws.rows("late_event_files").forEach(r -> lateFiles.add((String) r.get("source_file")));
            ws.set("line_files", ws.connection().createArrayOf("VARCHAR", ws.snapshot().landingFiles().stream()
                    .filter(p -> lateFiles.contains(p.getFileName().toString())).map(Object::toString).toArray()));
            out.put("late_events", ws.rows("late_events").stream().limit(RECENT).toList());
        }
        return out;
    }

    /**
     * Where the committed files were read from: the format, and per sink what named them (its
     * {@code _spark_metadata}, or its Iceberg table and the snapshot read), how many, how many missing, or why the
     * sink could not be read.
     */
    private Map<String, Object> output(Workspace ws) {
        Map<String, Object> sinks = new LinkedHashMap<>();
        ws.snapshot().files().forEach((sink, f) -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("origin", f.origin());
            s.put("snapshot_id", f.snapshotId());
            s.put("files", f.files().size());
            s.put("missing", f.missing().size());
            s.put("error", f.error());
            sinks.put(sink.dir(), s);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("format", settings.outputFormat().id());
        out.put("sinks", sinks);
        return out;
    }

    private Map<String, Object> query(Query s, List<BatchOffsets> batches) {
        Map<String, Object> q = new LinkedHashMap<>();
        Long committed = CheckpointLog.committedWatermark(batches);
        q.put("committed_watermark", committed == null || committed == 0 ? null : Instant.ofEpochMilli(committed));
        q.put("committed_batch", batches.stream().filter(BatchOffsets::committed)
                .mapToLong(BatchOffsets::batchId).max().stream().boxed().findFirst().orElse(null));
        List<JsonNode> recent = ProgressReader.last(settings.progress(), s.dir(), RECENT);
        if (!recent.isEmpty()) {
            JsonNode last = recent.get(recent.size() - 1);
            q.put("batch_id", last.path(ProgressFormat.BATCH_ID).asLong());
            q.put("timestamp", last.path(ProgressFormat.TIMESTAMP).asText(null));
            q.put("watermark", last.path(ProgressFormat.WATERMARK).asText(null));
            q.put("input_rows_per_second", last.path(ProgressFormat.INPUT_ROWS_PER_SECOND).asDouble());
            q.put("processed_rows_per_second", last.path(ProgressFormat.PROCESSED_ROWS_PER_SECOND).asDouble());
            long dropped = 0;
            for (JsonNode n : recent) {
                dropped += n.path(ProgressFormat.NUM_ROWS_DROPPED_BY_WATERMARK).asLong(0);
            }
            q.put("rows_dropped_by_watermark_recent", dropped);
        }
        return q;
    }
}
