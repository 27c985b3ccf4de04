package io.streamingclicks.job.support;

import io.streamingclicks.contract.Warehouse;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.types.Types;

import java.util.Map;
import java.util.UUID;

/**
 * A table of Iceberg's in-memory catalog and commits to it as the job's writers make them (a streaming query's id and
 * batch in the snapshot summary) or as compaction does (none): real snapshots for the tests of what reads them.
 */
public final class QueryCommits {

    private final Table table;

    public QueryCommits(String name) {
        InMemoryCatalog catalog = new InMemoryCatalog();
        catalog.initialize("test", Map.of());
        catalog.createNamespace(Namespace.of("clicks"));
        table = catalog.createTable(TableIdentifier.of("clicks", name),
                new Schema(Types.NestedField.optional(1, "id", Types.LongType.get())), PartitionSpec.unpartitioned());
    }

    public Table table() {
        return table;
    }

    /** Appends one file as {@code queryId}'s batch {@code batch} (null: a commit without a query id); its snapshot id. */
    public long append(String queryId, long batch) {
        var append = table.newFastAppend().appendFile(file());
        if (queryId != null) {
            append.set(Warehouse.SUMMARY_QUERY_ID, queryId).set(Warehouse.SUMMARY_BATCH_ID, Long.toString(batch));
        }
        append.commit();
        return table.currentSnapshot().snapshotId();
    }

    /** A data file that exists only in the metadata. */
    public static DataFile file() {
        return DataFiles.builder(PartitionSpec.unpartitioned()).withPath("/tmp/" + UUID.randomUUID() + ".parquet")
                .withFileSizeInBytes(10).withRecordCount(1).build();
    }
}
