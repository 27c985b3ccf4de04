package io.streamingclicks.job.options;

/** A bad command-line option or setting: the message names it; {@link JobOptions#usage()} says what is accepted. */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}
