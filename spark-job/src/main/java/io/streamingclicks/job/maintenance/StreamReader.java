package io.streamingclicks.job.maintenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.execution.streaming.CommitLog;
import org.apache.spark.sql.execution.streaming.OffsetSeq;
import org.apache.spark.sql.execution.streaming.OffsetSeqLog;
import scala.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.OptionalLong;

/**
 * Where the windows query, a streaming reader of the events table, resumes: the snapshot named by the offset of its
 * last committed batch ({@code chk/windows/offsets/M}, M the newest {@code commits/M}), read with Spark's own logs.
 * A batch in flight ({@code offsets/M+1} without its commit) is planned again from that offset after a crash, and every
 * later batch starts at or after it, so expiry must keep that snapshot and every snapshot after it in the table's
 * ancestry (Iceberg's source walks from it to the current snapshot, child by child: SparkMicroBatchStream, 1.10).
 * Without a committed batch the reader's start is unknown (a new checkpoint starts at the table's oldest snapshot):
 * then nothing of the table may be expired.
 */
public final class StreamReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StreamReader() {
    }

    /**
     * The snapshot id the reader with checkpoint {@code checkpoint} resumes from, or empty when it cannot be known
     * (no committed batch, no offset for it): keep every snapshot then.
     */
    public static OptionalLong resumesFrom(SparkSession spark, String checkpoint) {
        Path chk = new Path(checkpoint);
        try {
            FileSystem fs = chk.getFileSystem(spark.sessionState().newHadoopConf());
            // Spark's logs create their directory when missing: only read those that exist.
            if (!fs.exists(new Path(chk, "commits")) || !fs.exists(new Path(chk, "offsets"))) {
                return OptionalLong.empty();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint " + checkpoint + ": " + e.getMessage(), e);
        }
        Option<Object> committed = new CommitLog(spark, new Path(chk, "commits").toString()).getLatestBatchId();
        if (committed.isEmpty()) {
            return OptionalLong.empty();
        }
        long batch = (Long) committed.get();
        Option<OffsetSeq> offsets = new OffsetSeqLog(spark, new Path(chk, "offsets").toString()).get(batch);
        if (offsets.isEmpty() || offsets.get().offsets().isEmpty() || offsets.get().offsets().head().isEmpty()) {
            return OptionalLong.empty();
        }
        return snapshotOf(offsets.get().offsets().head().get());
    }

    /** Iceberg's streaming offset: {"version":1,"snapshot_id":...,"position":...,"scan_all_files":...}. */
    static OptionalLong snapshotOf(Offset offset) {
        try {
            JsonNode n = JSON.readTree(offset.json());
            JsonNode id = n.get("snapshot_id");
            return id == null || !id.canConvertToLong() ? OptionalLong.empty() : OptionalLong.of(id.asLong());
        } catch (IOException notIceberg) {
            return OptionalLong.empty();
        }
    }
}
