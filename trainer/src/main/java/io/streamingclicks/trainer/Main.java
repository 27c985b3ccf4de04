package io.streamingclicks.trainer;

/** {@code java -cp .. io.streamingclicks.trainer.Main --train-from .. --test-to ..}: see {@link TrainCommand}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(TrainCommand.main(args));
    }
}
