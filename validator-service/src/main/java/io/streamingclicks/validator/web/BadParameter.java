package io.streamingclicks.validator.web;

/** A request parameter outside its allowed range: answered 400 naming the field, the range and the value. */
public class BadParameter extends RuntimeException {

    private final String field;
    private final String allowed;
    private final String value;

    public BadParameter(String field, String allowed, String value) {
        super(field + " must be " + allowed + ", got '" + value + "'");
        this.field = field;
        this.allowed = allowed;
        this.value = value;
    }

    public String field() {
        return field;
    }

    public String allowed() {
        return allowed;
    }

    public String value() {
        return value;
    }
}
