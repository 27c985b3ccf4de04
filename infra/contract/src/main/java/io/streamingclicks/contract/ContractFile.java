package io.streamingclicks.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The contract's values from {@code contract.properties}, the one file both Java and the Makefile read. It remembers
 * which keys were asked for, so a test can require that the file holds no value nobody reads.
 */
final class ContractFile {

    static final String RESOURCE = "/io/streamingclicks/contract/contract.properties";

    private static final Properties VALUES = load();
    private static final Set<String> READ = ConcurrentHashMap.newKeySet();

    private ContractFile() {
    }

    static String text(String key) {
        String v = VALUES.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("the contract file " + RESOURCE + " has no value for " + key
                    + ": add a line " + key + "=... (the Makefile includes the same file)");
        }
        READ.add(key);
        return v;
    }

    static int integer(String key) {
        return parse(key, text(key), Integer::parseInt);
    }

    static double decimal(String key) {
        return parse(key, text(key), Double::parseDouble);
    }

    static List<String> list(String key) {
        return Arrays.stream(text(key).split(",")).map(String::strip).toList();
    }

    static int[] integers(String key) {
        return list(key).stream().mapToInt(v -> parse(key, v, Integer::parseInt)).toArray();
    }

    /** Every key the file holds. */
    static Set<String> keys() {
        return new TreeSet<>(VALUES.stringPropertyNames());
    }

    /** Every key read so far. */
    static Set<String> keysRead() {
        return new TreeSet<>(READ);
    }

    private static <T> T parse(String key, String text, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(key + " in " + RESOURCE + " must be a number, got '" + text + "'", e);
        }
    }

    private static Properties load() {
        try (InputStream in = ContractFile.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the contract jar");
            }
            Properties p = new Properties();
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
