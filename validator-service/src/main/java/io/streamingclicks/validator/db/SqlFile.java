package io.streamingclicks.validator.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code queries.sql} (the file users run with the duckdb CLI, packaged on the classpath) into its named blocks,
 * each a list of statements: the service runs exactly the SQL users read.
 */
public final class SqlFile {

    public static final String RESOURCE = "queries.sql";
    private static final String NAME = "-- name:";

    private final Map<String, List<String>> blocks;

    private SqlFile(Map<String, List<String>> blocks) {
        this.blocks = blocks;
    }

    public static SqlFile load() {
        try (InputStream in = SqlFile.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SqlFile parse(String text) {
        Map<String, List<String>> blocks = new LinkedHashMap<>();
        String name = null;
        StringBuilder body = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith(NAME)) {
                if (name != null) {
                    blocks.put(name, statements(body.toString()));
                }
                name = line.substring(NAME.length()).strip();
                body.setLength(0);
            } else if (name != null && !line.strip().startsWith("--")) {
                body.append(line).append('\n');
            }
        }
        if (name != null) {
            blocks.put(name, statements(body.toString()));
        }
        return new SqlFile(blocks);
    }

    /** Statements end with ';' at the end of a line (no statement here has one inside a string at a line end). */
    private static List<String> statements(String body) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : body.split("\n")) {
            cur.append(line).append('\n');
            if (line.stripTrailing().endsWith(";")) {
                String s = cur.toString().strip();
                out.add(s.substring(0, s.length() - 1));
                cur.setLength(0);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString().strip());
        }
        return List.copyOf(out);
    }

    public List<String> block(String name) {
        List<String> b = blocks.get(name);
        if (b == null) {
            throw new IllegalArgumentException("no block '-- name: " + name + "' in " + RESOURCE);
        }
        return b;
    }

    /** The single statement of a block. */
    public String statement(String name) {
        List<String> b = block(name);
        if (b.size() != 1) {
            throw new IllegalStateException("block " + name + " has " + b.size() + " statements, expected 1");
        }
        return b.get(0);
    }

    public java.util.Set<String> names() {
        return blocks.keySet();
    }
}
