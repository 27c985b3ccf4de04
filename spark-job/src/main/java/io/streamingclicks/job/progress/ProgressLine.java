package io.streamingclicks.job.progress;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamingclicks.contract.ProgressFormat;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

import java.util.Map;
import java.util.TreeMap;

/** Reads a query's progress report and writes the one JSON line {@link ProgressFormat} defines. */
public final class ProgressLine {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProgressLine() {
    }

    public static String of(StreamingQueryProgress p) {
        ObjectNode n = JSON.createObjectNode();
        n.put(ProgressFormat.QUERY, p.name());
        n.put(ProgressFormat.RUN_ID, String.valueOf(p.runId()));
        n.put(ProgressFormat.BATCH_ID, p.batchId());
        n.put(ProgressFormat.TIMESTAMP, p.timestamp());
        n.put(ProgressFormat.INPUT_ROWS, p.numInputRows());
        n.put(ProgressFormat.INPUT_ROWS_PER_SECOND, finite(p.inputRowsPerSecond()));
        n.put(ProgressFormat.PROCESSED_ROWS_PER_SECOND, finite(p.processedRowsPerSecond()));
        n.put(ProgressFormat.BATCH_DURATION_MS, p.batchDuration());
        String watermark = p.eventTime() == null ? null : p.eventTime().get("watermark");
        if (watermark != null) {
            n.put(ProgressFormat.WATERMARK, watermark);
        }
        long dropped = 0;
        for (StateOperatorProgress op : p.stateOperators()) {
            dropped += op.numRowsDroppedByWatermark();
        }
        n.put(ProgressFormat.NUM_ROWS_DROPPED_BY_WATERMARK, dropped);
        if (p.sources().length == 1) {
            SourceProgress s = p.sources()[0];
            putOffsets(n, ProgressFormat.START_OFFSETS, s.startOffset());
            putOffsets(n, ProgressFormat.END_OFFSETS, s.endOffset());
        }
        return n.toString();
    }

    private static double finite(double d) {
        return Double.isFinite(d) ? d : 0.0;
    }

    /** Kafka's offset JSON is {"topic":{"partition":offset}}; one topic is read, so its map is kept. */
    private static void putOffsets(ObjectNode n, String field, String kafkaOffsetJson) {
        if (kafkaOffsetJson == null || !kafkaOffsetJson.startsWith("{")) {
            return;
        }
        try {
            Map<String, Map<String, Long>> byTopic =
                    JSON.readValue(kafkaOffsetJson, new TypeReference<Map<String, Map<String, Long>>>() { });
            if (byTopic.size() == 1) {
                ObjectNode offsets = n.putObject(field);
                new TreeMap<>(byTopic.values().iterator().next()).forEach(offsets::put);
            }
        } catch (Exception notKafka) {
            // Another source's offsets: the line is still useful without them.
        }
    }
}
