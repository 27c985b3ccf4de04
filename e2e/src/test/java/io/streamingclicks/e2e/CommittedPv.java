package io.streamingclicks.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.validator.committed.IcebergFiles;
import io.streamingclicks.validator.committed.IcebergTables;
import io.streamingclicks.validator.committed.SinkFiles;

/**
 * Reads a copy of the committed pv output as a reader of committed output must, and returns "window_start|page_id"
 * -> pv, via DuckDB. Parquet ({@link #read}): only the files the pv sink's _spark_metadata log names (latest .compact
 * plus later batches, deletes honoured), rebased from the job's absolute paths onto the copy. Iceberg
 * ({@link #readTable}): the data files of table pv's current snapshot, planned by the validator's own reader.
 */
final class CommittedPv {

    private CommittedPv() {
    }

    static Map<String, Long> read(Path pvCopy) {
        return sum(committedFiles(pvCopy), pvCopy.toString());
    }

    /**
     * The pv table of a copy of a warehouse ({@code DATA_DIR/warehouse}) at its current snapshot: the catalog row, the
     * metadata file and iceberg-core's planning of the validator ({@link IcebergFiles}), paths rebased onto the copy.
     * A copy taken while the job commits may name a file it lacks: that is an exception, for the caller to copy again.
     */
    static Map<String, Long> readTable(Path warehouseCopy) {
        SinkFiles pv = new IcebergFiles(new IcebergTables(warehouseCopy)).read(DataRoot.Sink.PV);
        if (pv.error() != null || !pv.missing().isEmpty()) {
            throw new IllegalStateException(pv.origin() + " in " + warehouseCopy + " cannot be read whole: "
                    + (pv.error() != null ? pv.error() : "missing " + pv.missing()));
        }
        return sum(pv.files(), pv.origin());
    }

    private static Map<String, Long> sum(List<Path> files, String origin) {
        Map<String, Long> out = new TreeMap<>();
        if (files.isEmpty()) {
            return out;
        }
        StringBuilder list = new StringBuilder();
        for (Path f : files) {
            list.append(list.isEmpty() ? "" : ", ").append('\'').append(f.toString().replace("'", "''")).append('\'');
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = c.createStatement()) {
            s.execute("SET autoinstall_known_extensions = false");
            s.execute("SET autoload_known_extensions = false");
            s.execute("SET TimeZone = 'UTC'");
            try (ResultSet r = s.executeQuery("SELECT strftime(window_start, '%Y-%m-%dT%H:%M:%S') AS w, page_id, "
                    + "sum(pv) AS pv FROM read_parquet([" + list + "]) GROUP BY 1, 2")) {
                while (r.next()) {
                    out.put(r.getString(1) + "|" + r.getString(2), r.getLong(3));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + origin, e);
        }
        return out;
    }

    private static List<Path> committedFiles(Path sink) {
        Path log = sink.resolve("_spark_metadata");
        if (!Files.isDirectory(log)) {
            return List.of();
        }
        TreeMap<Long, Path> batches = new TreeMap<>();
        try (Stream<Path> s = Files.list(log)) {
            s.forEach(p -> {
                String n = p.getFileName().toString().replace(".compact", "");
                if (n.matches("\\d+")) {
                    batches.put(Long.parseLong(n), p);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Long start = batches.descendingMap().entrySet().stream()
                .filter(e -> e.getValue().getFileName().toString().endsWith(".compact")).map(Map.Entry::getKey)
                .findFirst().orElse(batches.isEmpty() ? 0L : batches.firstKey());
        List<String> added = new ArrayList<>();
        for (Path p : batches.tailMap(start, true).values()) {
            try {
                for (String line : Files.readAllLines(p)) {
                    if (!line.startsWith("{")) {
                        continue; // the "v1" header
                    }
                    JsonNode n = ComposeStack.JSON.readTree(line);
                    String path = URI.create(n.path("path").asText()).getPath();
                    if (n.path("action").asText().equals("delete")) {
                        added.remove(path);
                    } else {
                        added.add(path);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String marker = "/" + sink.getFileName() + "/";
        return added.stream().map(p -> sink.resolve(p.substring(p.lastIndexOf(marker) + marker.length()))).toList();
    }
}
