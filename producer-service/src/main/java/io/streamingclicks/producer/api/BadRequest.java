package io.streamingclicks.producer.api;

/** A rejected request: which field, what is allowed, and what was wrong. Nothing is sent for it. */
public final class BadRequest extends RuntimeException {

    private final String field;
    private final String allowed;

    public BadRequest(String field, String allowed, String message) {
        super(message);
        this.field = field;
        this.allowed = allowed;
    }

    public String field() {
        return field;
    }

    public String allowed() {
        return allowed;
    }
}
