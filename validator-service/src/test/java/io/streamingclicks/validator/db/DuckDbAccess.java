package io.streamingclicks.validator.db;

import io.streamingclicks.validator.config.ValidatorSettings;

/** Opens the validator's database outside CDI, for tests that wire components by hand. */
public final class DuckDbAccess {

    private DuckDbAccess() {
    }

    public static DuckDb open(ValidatorSettings settings) {
        DuckDb db = new DuckDb();
        db.settings = settings;
        db.memoryLimit = "256MB";
        db.threads = 2;
        db.open();
        return db;
    }

    public static void close(DuckDb db) throws Exception {
        db.close();
    }
}
