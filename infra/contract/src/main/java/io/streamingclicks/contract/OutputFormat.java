package io.streamingclicks.contract;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the job stores its five outputs ({@link Setting#OUTPUT_FORMAT}, job option {@code --format}). Both keep every
 * guarantee of the stack: each output append-only, each batch committed once, partitioned by time only.
 */
public enum OutputFormat {
    /** {@code parquet/<sink>}: Parquet files, each output committed through its own {@code _spark_metadata}. */
    PARQUET,
    /** Iceberg tables (format version 2) in {@code warehouse/}, committed through their catalog: {@link Warehouse}. */
    ICEBERG;

    /** The format's name as users write it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format named {@code text}; an unknown name fails naming the allowed ones. */
    public static OutputFormat parse(String text) {
        for (OutputFormat f : values()) {
            if (f.id().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("OUTPUT_FORMAT must be one of "
                + Arrays.stream(values()).map(OutputFormat::id).collect(Collectors.joining(", ")) + ", got '" + text
                + "'");
    }
}
