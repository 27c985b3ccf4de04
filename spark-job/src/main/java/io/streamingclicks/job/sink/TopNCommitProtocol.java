package io.streamingclicks.job.sink;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Reads and writes the batch directories of {@code parquet/topn}, the commit protocol of a {@code foreachBatch} sink
 * (which has no {@code _spark_metadata}): a batch is written under {@code _tmp-batch_id=<id>-<uuid>} (a name every
 * reader skips) and committed by one rename to {@code batch_id=<id>}; a batch id whose directory exists is committed
 * and is not written again when Spark redoes the batch after a crash; a killed attempt's temporary directories are
 * removed before the batch is written again. Atomic where a directory rename is (local disk, HDFS), not on an object
 * store, where a rename is a copy.
 */
public final class TopNCommitProtocol {

    /** Committed batch directories are {@code batch_id=<id>}; readers glob exactly this. */
    public static final String COMMITTED_PREFIX = "batch_id=";
    public static final String TEMP_PREFIX = "_tmp-" + COMMITTED_PREFIX;

    /** Writes one batch's files into the (new, empty) directory it is given. */
    @FunctionalInterface
    public interface BatchWriter {
        void write(Path dir) throws IOException;
    }

    private final FileSystem fs;
    private final Path output;

    public TopNCommitProtocol(Path output, Configuration conf) throws IOException {
        this.fs = output.getFileSystem(conf);
        this.output = fs.makeQualified(output);
    }

    public Path committedDir(long batchId) {
        return new Path(output, COMMITTED_PREFIX + batchId);
    }

    public boolean isCommitted(long batchId) throws IOException {
        return fs.exists(committedDir(batchId));
    }

    /**
     * Writes batch {@code batchId} through {@code writer} unless it is committed already: removes the leftovers of
     * killed attempts of this batch, writes into a fresh temporary directory, renames it to {@code batch_id=<id>}.
     *
     * @return true if this call committed the batch, false if it was committed before (the redone-batch case)
     */
    public boolean writeOnce(long batchId, BatchWriter writer) throws IOException {
        if (isCommitted(batchId)) {
            return false;
        }
        Path temp = begin(batchId);
        writer.write(temp);
        commit(batchId, temp);
        return true;
    }

    /** Deletes every {@code _tmp-batch_id=<id>-*} (and only this id's) and returns a new temporary directory name. */
    Path begin(long batchId) throws IOException {
        FileStatus[] leftovers = fs.globStatus(new Path(output, TEMP_PREFIX + batchId + "-*"));
        if (leftovers != null) {
            for (FileStatus s : leftovers) {
                fs.delete(s.getPath(), true);
            }
        }
        return new Path(output, TEMP_PREFIX + batchId + "-" + UUID.randomUUID());
    }

    /**
     * The commit: one rename. Refuses an existing target: a rename onto an existing directory would move the temporary
     * directory inside it (a second, hidden copy of the batch), never replace it.
     */
    void commit(long batchId, Path temp) throws IOException {
        Path committed = committedDir(batchId);
        if (fs.exists(committed)) {
            throw new IOException("cannot commit topn batch " + batchId + ": " + committed + " exists already");
        }
        if (!fs.rename(temp, committed)) {
            throw new IOException("cannot commit topn batch " + batchId + ": rename " + temp + " -> " + committed
                    + " failed");
        }
    }

    /** The ids of the committed batch directories. */
    public SortedSet<Long> committedBatchIds() throws IOException {
        SortedSet<Long> ids = new TreeSet<>();
        FileStatus[] dirs = fs.globStatus(new Path(output, COMMITTED_PREFIX + "*"));
        if (dirs != null) {
            for (FileStatus s : dirs) {
                String id = s.getPath().getName().substring(COMMITTED_PREFIX.length());
                if (s.isDirectory() && id.matches("\\d+")) {
                    ids.add(Long.parseLong(id));
                }
            }
        }
        return ids;
    }

    /**
     * Refuses a new checkpoint (no planned batch) over an output holding committed batch directories: it restarts at
     * batch 0, so its batches would be skipped as committed and their windows never ranked.
     *
     * @throws IllegalStateException naming the output and the checkpoint, and what to do
     */
    public static void refuseNewCheckpointOverCommitted(String output, String checkpoint, Configuration conf) {
        try {
            Path offsets = new Path(checkpoint, "offsets");
            FileSystem cfs = offsets.getFileSystem(conf);
            boolean newCheckpoint = !cfs.exists(offsets)
                    || cfs.listStatus(offsets, p -> !p.getName().startsWith(".")).length == 0;
            TopNCommitProtocol protocol = new TopNCommitProtocol(new Path(output), conf);
            SortedSet<Long> committed = protocol.committedBatchIds();
            if (newCheckpoint && !committed.isEmpty()) {
                throw new IllegalStateException("output " + protocol.output + " of sink 'topn' already has "
                        + committed.size() + " committed batch directories (" + COMMITTED_PREFIX + committed.first()
                        + " .. " + COMMITTED_PREFIX + committed.last() + "), but its checkpoint " + checkpoint
                        + " is new: its batch ids would be skipped as committed. Restore the checkpoint that wrote"
                        + " them, or move " + protocol.output + " away.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect topn output " + output + " and checkpoint " + checkpoint
                    + ": " + e.getMessage(), e);
        }
    }
}
