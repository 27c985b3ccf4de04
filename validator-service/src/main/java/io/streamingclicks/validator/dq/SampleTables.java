package io.streamingclicks.validator.dq;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.validator.db.Workspace;

/**
 * The files of {@code make samples}' outputs (docs/features.md): plain Parquet a batch run writes, no
 * {@code _spark_metadata}. Each hour directory ({@code date=/hour=}) is swapped in whole by renames and the run's
 * staging directory is hidden ({@code parquet/.<name>-staging-...}), so the {@code .parquet} files of the hour
 * directories are what a run committed; the same glob as {@code queries.sql}'s CLI block.
 */
final class SampleTables {

    /** Output directory under {@code parquet/} to the DuckDB variable its view reads. */
    static final Map<String, String> OUTPUTS = new LinkedHashMap<>();

    static {
        OUTPUTS.put("samples", "samples_files");
        OUTPUTS.put("features/user", "features_user_files");
        OUTPUTS.put("features/page", "features_page_files");
        OUTPUTS.put("features/user_page", "features_user_page_files");
    }

    private SampleTables() {
    }

    /** Binds every output's files for the rest of this lease; returns how many samples files there are. */
    static int bind(Workspace ws, Path dataDir) throws Exception {
        int samples = 0;
        for (Map.Entry<String, String> o : OUTPUTS.entrySet()) {
            List<String> files = files(dataDir.resolve(DataRoot.PARQUET).resolve(o.getKey()));
            ws.set(o.getValue(), files);
            if (o.getKey().equals("samples")) {
                samples = files.size();
            }
        }
        return samples;
    }

    /** {@code dir/date=*\/hour=*\/*.parquet}, sorted; none when the directory does not exist. */
    static List<String> files(Path dir) {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> dates = Files.newDirectoryStream(dir, "date=*")) {
            for (Path date : dates) {
                try (DirectoryStream<Path> hours = Files.newDirectoryStream(date, "hour=*")) {
                    for (Path hour : hours) {
                        try (DirectoryStream<Path> parts = Files.newDirectoryStream(hour, "[!._]*.parquet")) {
                            parts.forEach(p -> out.add(p.toString()));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }
}
