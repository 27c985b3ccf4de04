package io.streamingclicks.contract;

/** A record that breaks the contract; its {@link QuarantineReason} is what the quarantine sink stores. */
public final class InvalidClickEvent extends IllegalArgumentException {

    private final QuarantineReason reason;

    public InvalidClickEvent(QuarantineReason reason) {
        super(reason.code() + ": " + reason.description());
        this.reason = reason;
    }

    public QuarantineReason reason() {
        return reason;
    }
}
