package io.streamingclicks.validator.committed;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.stream.Collectors;

import org.eclipse.microprofile.config.Config;

import io.smallrye.config.SmallRyeConfigBuilder;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.contract.Warehouse;
import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.pipeline.LinkThreeSides;
import io.streamingclicks.validator.pipeline.SnapshotReader;

/**
 * {@code make sql-files}: the duckdb CLI's way into the Iceberg tables. DuckDB without its iceberg extension (the
 * CLI block of queries.sql loads none) cannot plan a table's snapshot, so this prints a DuckDB script that binds each
 * sink's committed data files, as iceberg-core plans them here ({@link IcebergFiles}, paths rebased), to the
 * variables the views of {@code queries.sql} read ({@code pv_files}, ...); its {@code cli_setup} block keeps lists
 * bound before it. With {@code AS_OF} (an ISO-8601 instant) the files are those of each table's snapshot current then.
 * Exit 0, or 2 naming what could not be read (no catalog, a table unreadable, a bad {@code AS_OF}).
 */
public final class IcebergCliScript {

    private IcebergCliScript() {
    }

    public static void main(String[] args) {
        System.exit(run(new SmallRyeConfigBuilder().addDefaultSources().build(), System.getenv("AS_OF"), System.out,
                System.err));
    }

    public static int run(Config config, String asOfText, PrintStream out, PrintStream err) {
        ValidatorSettings settings;
        Instant asOf;
        try {
            settings = new ValidatorSettings(config);
            asOf = asOfText == null || asOfText.isBlank() ? null : Instant.parse(asOfText.strip());
        } catch (DateTimeParseException e) {
            err.println("error: AS_OF must be an ISO-8601 UTC instant such as 2026-11-21T22:45:00Z, got '" + asOfText
                    + "'");
            return 2;
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        Path catalog = settings.warehouse().resolve(Warehouse.CATALOG_FILE);
        if (!Files.isRegularFile(catalog)) {
            err.println("error: no Iceberg catalog at " + catalog + " (is DATA_DIR the job's data root, and did it run"
                    + " with OUTPUT_FORMAT=iceberg? On the Parquet format queries.sql reads _spark_metadata itself)");
            return 2;
        }
        IcebergFiles current = new IcebergFiles(IcebergTables.of(settings));
        IcebergFiles tables = asOf == null ? current : current.asOf(asOf);
        StringBuilder script = new StringBuilder();
        script.append("-- The committed data files of the Iceberg tables of ").append(settings.warehouse())
                .append(asOf == null ? ", current snapshots" : ", snapshots current at " + asOf)
                .append(", planned by iceberg-core at ").append(Instant.now()).append(".\n")
                .append("-- Run before queries.sql: duckdb -c \".read <this file>\" -c \".read validator-service/"
                        + "queries.sql\"\n");
        script.append("SET VARIABLE data_dir = ").append(literal(settings.dataDir().toString())).append(";\n");
        for (Sink sink : Sink.values()) {
            SinkFiles f = tables.read(sink);
            if (f.error() != null) {
                err.println("error: " + f.error());
                return 2;
            }
            script.append("-- ").append(f.origin()).append(f.committedAt() == null ? ""
                    : ", committed at " + f.committedAt()).append(": ").append(f.files().size()).append(" files");
            for (Path m : f.missing()) {
                script.append("\n--   named by the table but missing on disk, not read: ").append(m);
            }
            script.append('\n').append("SET VARIABLE ").append(sink.dir()).append("_files = ")
                    .append(list(f.files())).append(";\n");
        }
        linkThree(asOf == null ? LinkThreeSides.of(SnapshotReader.read(settings, current)) : null, script);
        out.print(script);
        return 0;
    }

    /**
     * Link 3's sides of the current snapshots and checkpoints, which {@code cli_setup} turns into
     * {@code windows_batches} and {@code ingest_reads}. For an older snapshot ({@code AS_OF}) none: the checkpoints
     * hold the present, so {@code pv_accounted} is empty rather than wrong.
     */
    private static void linkThree(LinkThreeSides sides, StringBuilder script) {
        script.append("-- Link 3: how far each committed windows batch read, what each ingest batch read")
                .append(sides == null ? " (not for an older snapshot: the checkpoints hold the present)" : "")
                .append('\n').append("SET VARIABLE events_read_by = 'ingest_batch';\n");
        List<String> windows = sides == null ? List.of() : sides.windows().stream()
                .map(w -> "{'batch_id': " + w.batchId() + ", 'watermark_ms': " + w.watermarkMs() + ", 'read_to': "
                        + w.readTo() + "}").toList();
        script.append("SET VARIABLE link3_windows = [").append(String.join(",\n  ", windows))
                .append("]::STRUCT(batch_id BIGINT, watermark_ms BIGINT, read_to BIGINT)[];\n");
        List<String> ingest = sides == null ? List.of() : sides.ingest().stream()
                .map(r -> "{'kafka_partition': " + r.kafkaPartition() + ", 'end_offset': " + r.endOffset()
                        + ", 'source_file': " + (r.sourceFile() == null ? "NULL" : literal(r.sourceFile()))
                        + ", 'batch_id': " + r.batchId() + "}").toList();
        script.append("SET VARIABLE link3_ingest = [").append(String.join(",\n  ", ingest))
                .append("]::STRUCT(kafka_partition INTEGER, end_offset BIGINT, source_file VARCHAR,"
                        + " batch_id BIGINT)[];\n");
    }

    private static String list(List<Path> files) {
        return files.isEmpty() ? "CAST([] AS VARCHAR[])"
                : files.stream().map(p -> literal(p.toString())).collect(Collectors.joining(",\n  ", "[\n  ", "]"));
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
