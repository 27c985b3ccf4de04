package io.streamingclicks.validator.committed;

import java.util.List;

import io.streamingclicks.accounting.iceberg.TableSnapshot;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.validator.config.ValidatorSettings;

/**
 * The committed data files of each sink, as one output format records them: {@link SparkMetadataFiles} (each sink's
 * {@code _spark_metadata}) or {@link IcebergFiles} (each sink's Iceberg table). Chosen once from
 * {@code OUTPUT_FORMAT}; everything downstream (every check, the reconciliation, Top-N, the UV ranges) binds the
 * files it returns into the same SQL.
 */
public interface CommittedFiles {

    /**
     * The sink's committed files now. A sink the format cannot read is a {@link SinkFiles#error}, never an exception:
     * a check reports it.
     */
    SinkFiles read(Sink sink);

    /**
     * Adds to {@code out} what changes whenever any sink commits (log file names and sizes, table metadata
     * locations): a cache compares it to know when to read again.
     */
    void fingerprint(List<String> out);

    /**
     * The snapshots of the sink's table (id, parent, operation, summary) still in its metadata, for link 3 on the
     * Iceberg format ({@link io.streamingclicks.accounting.iceberg.IngestHighWater}); none for a format without
     * snapshots, or a table not created yet.
     *
     * @throws TableReadException when the table cannot be read
     */
    default List<TableSnapshot> snapshots(Sink sink) throws TableReadException {
        return List.of();
    }

    /** The reader of the format {@code settings} name. */
    static CommittedFiles of(ValidatorSettings settings) {
        return switch (settings.outputFormat()) {
            case PARQUET -> new SparkMetadataFiles(settings);
            case ICEBERG -> new IcebergFiles(IcebergTables.of(settings));
        };
    }
}
