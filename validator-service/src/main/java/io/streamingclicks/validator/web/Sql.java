package io.streamingclicks.validator.web;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Values as the SQL variables take them: timestamps as UTC text, cast to TIMESTAMP in queries.sql. */
final class Sql {

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private Sql() {
    }

    static String ts(Instant t) {
        return t == null ? null : TS.format(LocalDateTime.ofInstant(t, ZoneOffset.UTC));
    }
}
