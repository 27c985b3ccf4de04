package io.streamingclicks.accounting.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.streamingclicks.contract.DataRoot;

/**
 * The committed output of one file sink at one moment, read from {@code <sink>/_spark_metadata}: the files its log
 * names, rebased onto the sink directory ({@link PathRebase}), split into those on disk and those missing (a loss,
 * for a check to report, never to read). The sink directory itself is never listed: a file the log does not name
 * (an orphan of a killed batch, maybe truncated) is not output.
 *
 * @param files       the committed files that are on disk
 * @param missing     the committed files that are not
 * @param latestBatch the highest batch id the log has a file for, -1 when it has none
 */
public record CommittedOutput(Path sinkDir, List<Path> files, List<Path> missing, long latestBatch) {

    /** Spark deletes deltas folded into a new compaction at any time; a read that races it starts over. */
    private static final int ATTEMPTS = 10;

    public static CommittedOutput none(Path sinkDir) {
        return new CommittedOutput(sinkDir, List.of(), List.of(), -1);
    }

    public boolean isEmpty() {
        return files.isEmpty();
    }

    /** The committed files as URIs, for readers that take them ({@code spark.read().parquet(...)}). */
    public List<String> uris() {
        return files.stream().map(p -> p.toUri().toString()).toList();
    }

    public static CommittedOutput read(Path sinkDir) {
        for (int attempt = 1; ; attempt++) {
            Optional<CommittedOutput> read = readOnce(sinkDir);
            if (read.isPresent()) {
                return read.get();
            }
            if (attempt == ATTEMPTS) {
                throw new IllegalStateException(sinkDir.resolve(DataRoot.SPARK_METADATA) + " changed under "
                        + ATTEMPTS + " reads in a row; is something deleting it?");
            }
        }
    }

    /** Empty when a log file listed was gone when opened. */
    private static Optional<CommittedOutput> readOnce(Path sinkDir) {
        Path log = sinkDir.resolve(DataRoot.SPARK_METADATA);
        if (!Files.isDirectory(log)) {
            return Optional.of(none(sinkDir));
        }
        List<String> names;
        try (Stream<Path> s = Files.list(log)) {
            names = s.map(p -> p.getFileName().toString()).toList();
        } catch (NoSuchFileException e) {
            return Optional.of(none(sinkDir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + log, e);
        }
        List<SparkMetadataLog.LogFile> files = new ArrayList<>();
        for (String name : SparkMetadataLog.filesToRead(names)) {
            try {
                files.add(new SparkMetadataLog.LogFile(name,
                        Files.readAllLines(log.resolve(name), StandardCharsets.UTF_8)));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + log.resolve(name), e);
            }
        }
        long latest = names.stream().map(SparkMetadataLog::batchId).flatMap(Optional::stream)
                .mapToLong(Long::longValue).max().orElse(-1);
        List<Path> present = new ArrayList<>();
        List<Path> missing = new ArrayList<>();
        for (SparkMetadataLog.Entry e : SparkMetadataLog.committed(files)) {
            Path p = PathRebase.onto(sinkDir, e.path());
            (Files.isRegularFile(p) ? present : missing).add(p);
        }
        return Optional.of(new CommittedOutput(sinkDir, List.copyOf(present), List.copyOf(missing), latest));
    }
}
