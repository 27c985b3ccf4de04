package io.streamingclicks.accounting.iceberg;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The offset of Iceberg's Spark streaming source (iceberg-spark 1.10 {@code StreamingOffset}), as line 3 of
 * {@code chk/<query>/offsets/N} holds it: {@code {"version":1,"snapshot_id":s,"position":p,"scan_all_files":b}}.
 * The batch read the table's APPEND snapshots up to snapshot {@code s}, of {@code s} the added data files before
 * index {@code p} ({@code SparkMicroBatchStream.latestOffset} ends an offset at the newest APPEND snapshot, its
 * position the number of files it added, as long as no read limit is set). {@code snapshot_id} -1 is the source's
 * {@code START_OFFSET}: the table had no snapshot, nothing was read.
 */
public record StreamingOffset(long snapshotId, long position, boolean scanAllFiles) {

    /** Iceberg's {@code StreamingOffset.START_OFFSET}: before the table's first snapshot. */
    public boolean isStart() {
        return snapshotId == -1;
    }

    /** The offset in {@code json}, or null when it is not an Iceberg streaming offset (Kafka's, the file source's). */
    public static StreamingOffset of(JsonNode json) {
        if (json == null || !json.isObject() || !json.path("snapshot_id").canConvertToLong()
                || !json.path("position").canConvertToLong()) {
            return null;
        }
        return new StreamingOffset(json.get("snapshot_id").asLong(), json.get("position").asLong(),
                json.path("scan_all_files").asBoolean(false));
    }
}
