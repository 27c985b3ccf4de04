package io.streamingclicks.job.sink;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.job.options.JobOptions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses a data root written by the previous version of the job, which ran one query per sink: checkpoints
 * {@code chk/uv}, {@code chk/pv}, {@code chk/events}, {@code chk/quarantine}, {@code chk/topn}, uv rows without a
 * sketch, and Top-N committed as {@code batch_id=} directories. Neither its state nor its outputs can be continued by
 * the two queries of this version, and mixing them would count some windows twice and others not at all.
 */
public final class PreviousLayout {

    static final List<String> OLD_CHECKPOINTS = List.of("uv", "pv", "events", "quarantine", "topn");

    private PreviousLayout() {
    }

    /** @throws IllegalStateException naming what was found, what changed and how to start fresh */
    public static void refuse(JobOptions options, Configuration conf) {
        try {
            List<String> found = new ArrayList<>();
            for (String name : OLD_CHECKPOINTS) {
                Path chk = new Path(options.checkpoint(name));
                if (chk.getFileSystem(conf).exists(chk)) {
                    found.add(chk.toString());
                }
            }
            Path topn = new Path(options.output(DataRoot.Sink.TOPN));
            FileStatus[] batchDirs = topn.getFileSystem(conf).globStatus(new Path(topn, "batch_id=*"));
            if (batchDirs != null && batchDirs.length > 0) {
                found.add(batchDirs[0].getPath().toString());
            }
            if (!found.isEmpty()) {
                throw new IllegalStateException("the data root " + options.dataRoot() + " was written by the previous"
                        + " version of the job (found " + String.join(", ", found) + "). This version reads the topic"
                        + " once into events and quarantine (checkpoint chk/" + DataRoot.Query.INGEST.dir() + ") and"
                        + " computes uv, pv and topn of a window from the same committed events (chk/"
                        + DataRoot.Query.WINDOWS.dir() + "); uv rows carry the window's sketch and topn is committed"
                        + " through _spark_metadata. Old state cannot be continued: start fresh with `make reset`"
                        + " (deletes DATA_DIR and, on the local stack, the brokers' data), or point DATA_DIR at a new"
                        + " directory.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect the data root " + options.dataRoot() + ": "
                    + e.getMessage(), e);
        }
    }

}
