package io.streamingclicks.validator.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.streamingclicks.contract.ProgressFormat;

/**
 * Reads the last progress lines of one query from {@code progress/<query>.jsonl} (and its rolled {@code .1}), as
 * {@link ProgressFormat} describes them. A partly written last line is skipped.
 */
public final class ProgressReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProgressReader() {
    }

    /** Up to {@code max} latest lines, oldest first. */
    public static List<JsonNode> last(Path progressDir, String query, int max) {
        List<JsonNode> out = new ArrayList<>();
        Path current = progressDir.resolve(query + ProgressFormat.FILE_SUFFIX);
        Path rolled = progressDir.resolve(query + ProgressFormat.FILE_SUFFIX + ".1");
        for (Path f : List.of(rolled, current)) {
            if (!Files.isRegularFile(f)) {
                continue;
            }
            try {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        out.add(JSON.readTree(line));
                    } catch (IOException partial) {
                        // the writer is appending this line right now
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
        }
        return out.size() <= max ? out : List.copyOf(out.subList(out.size() - max, out.size()));
    }
}
