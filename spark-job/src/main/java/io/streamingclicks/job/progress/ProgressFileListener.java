package io.streamingclicks.job.progress;

import io.streamingclicks.contract.ProgressFormat;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Appends each query's progress as one JSON line to {@code progress/<query>.jsonl}, rolling the file to
 * {@code <query>.jsonl.1} past a size bound so the directory never grows past about twice the bound per query.
 * Local data roots only: object stores cannot append (on HDFS/S3 the job logs its progress instead).
 */
public final class ProgressFileListener extends StreamingQueryListener {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressFileListener.class);

    private final Path dir;
    private final long maxBytes;

    public ProgressFileListener(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        String name = event.progress().name();
        if (name == null) {
            return;
        }
        byte[] line = (ProgressLine.of(event.progress()) + "\n").getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve(name + ProgressFormat.FILE_SUFFIX);
        try {
            Files.createDirectories(dir);
            if (Files.exists(file) && Files.size(file) + line.length > maxBytes) {
                Files.move(file, dir.resolve(name + ProgressFormat.FILE_SUFFIX + ".1"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // Progress is for people watching; a full disk must not stop the pipeline, the log says why.
            LOG.warn("cannot append progress to {}: {}", file, e.toString());
        }
    }

    @Override
    public void onQueryIdle(QueryIdleEvent event) {
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
    }
}
