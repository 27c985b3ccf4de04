package io.streamingclicks.validator.committed;

/** An Iceberg table could not be read; the message names the table and the file, for a person to act on. */
public class TableReadException extends Exception {

    public TableReadException(String message, Throwable cause) {
        super(message, cause);
    }

    public TableReadException(String message) {
        super(message);
    }
}
