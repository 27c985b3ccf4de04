package io.streamingclicks.accounting.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A streaming query's id, from its checkpoint's {@code metadata} file ({@code {"id":"<uuid>"}}, written once when
 * the checkpoint is created): the id the job's Iceberg writer records in each snapshot summary.
 */
public final class QueryId {

    private static final ObjectMapper JSON = new ObjectMapper();

    private QueryId() {
    }

    /** The id in {@code <checkpoint>/metadata}; empty when the checkpoint has none yet. */
    public static Optional<String> read(Path checkpoint) {
        Path f = checkpoint.resolve("metadata");
        try {
            JsonNode id = JSON.readTree(Files.readString(f, StandardCharsets.UTF_8)).path("id");
            return id.isTextual() ? Optional.of(id.asText()) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }
}
