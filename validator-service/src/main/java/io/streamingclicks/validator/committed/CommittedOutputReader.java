package io.streamingclicks.validator.committed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.streamingclicks.contract.DataRoot;

/**
 * Reads {@code <sink>/_spark_metadata} from disk and lists the sink's committed files. It never lists the sink
 * directory itself: a file the log does not name (an orphan of a killed batch, maybe truncated) is not output.
 */
public final class CommittedOutputReader {

    private CommittedOutputReader() {
    }

    public static CommittedFiles read(Path sinkDir) {
        Path log = sinkDir.resolve(DataRoot.SPARK_METADATA);
        if (!Files.isDirectory(log)) {
            return CommittedFiles.none(sinkDir);
        }
        List<String> names;
        try (Stream<Path> s = Files.list(log)) {
            names = s.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + log, e);
        }
        List<SparkMetadataLog.LogFile> files = new ArrayList<>();
        for (String name : SparkMetadataLog.filesToRead(names)) {
            try {
                files.add(new SparkMetadataLog.LogFile(name, Files.readAllLines(log.resolve(name), StandardCharsets.UTF_8)));
            } catch (NoSuchFileException e) {
                // Spark deleted a delta folded into a newer compaction while we listed: read again.
                return read(sinkDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + log.resolve(name), e);
            }
        }
        long latest = names.stream().map(SparkMetadataLog::batchId).flatMap(java.util.Optional::stream)
                .mapToLong(Long::longValue).max().orElse(-1);
        List<Path> present = new ArrayList<>();
        List<Path> missing = new ArrayList<>();
        for (SparkMetadataLog.Entry e : SparkMetadataLog.committed(files)) {
            Path p = PathRebase.onto(sinkDir, e.path());
            (Files.isRegularFile(p) ? present : missing).add(p);
        }
        return new CommittedFiles(sinkDir, List.copyOf(present), List.copyOf(missing), latest);
    }
}
