package io.streamingclicks.validator.committed;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.streamingclicks.accounting.spark.CommittedOutput;
import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.pipeline.DirectoryListings;

/**
 * The Parquet format: each sink's files from its {@code _spark_metadata} ({@link CommittedOutput}), each file's time
 * partition from its directories ({@code date=.../hour=...}, as the job's file sink writes them).
 */
public final class SparkMetadataFiles implements CommittedFiles {

    private static final int PARTITION_DEPTH = DataRoot.PARTITION_COLUMNS.size();

    private final ValidatorSettings settings;
    private final DirectoryListings listings = new DirectoryListings();

    public SparkMetadataFiles(ValidatorSettings settings) {
        this.settings = settings;
    }

    @Override
    public SinkFiles read(Sink sink) {
        CommittedOutput out = CommittedOutput.read(settings.output(sink));
        Map<Path, String> partitions = new HashMap<>();
        for (Path p : out.files()) {
            String partition = partitionOf(p);
            if (partition != null) {
                partitions.put(p, partition);
            }
        }
        return new SinkFiles(out.files(), out.missing(), Map.copyOf(partitions),
                DataRoot.PARQUET + "/" + sink.dir() + "/" + DataRoot.SPARK_METADATA, null, null);
    }

    /**
     * Names, sizes and times of every log file (a new batch adds or rewrites one), each log listed again only when
     * its directory may have changed ({@link DirectoryListings}).
     */
    @Override
    public void fingerprint(List<String> out) {
        for (Sink s : Sink.values()) {
            listings.appendTo(settings.output(s).resolve(DataRoot.SPARK_METADATA), out);
        }
    }

    /** The last directories of a file's path when they are the job's partition columns, in order; else null. */
    static String partitionOf(Path file) {
        Path dir = file.getParent();
        if (dir == null || dir.getNameCount() < PARTITION_DEPTH) {
            return null;
        }
        Path last = dir.subpath(dir.getNameCount() - PARTITION_DEPTH, dir.getNameCount());
        for (int i = 0; i < PARTITION_DEPTH; i++) {
            if (!last.getName(i).toString().startsWith(DataRoot.PARTITION_COLUMNS.get(i) + "=")) {
                return null;
            }
        }
        return last.toString();
    }
}
