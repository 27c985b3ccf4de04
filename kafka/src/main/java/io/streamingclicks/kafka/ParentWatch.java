package io.streamingclicks.kafka;

import java.util.Arrays;

/**
 * Runs a main class (the broker) and exits when the given parent process dies, so brokers started by a test JVM
 * that was killed do not outlive it. Usage: {@code ParentWatch <parent-pid> <main-class> [args...]}.
 */
public final class ParentWatch {

    private ParentWatch() {
    }

    public static void main(String[] args) throws Throwable {
        long parent = Long.parseLong(args[0]);
        Thread watch = new Thread(() -> {
            while (ProcessHandle.of(parent).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
            // Give the broker's shutdown hook a chance, but never hang: a lone node without quorum can wait forever.
            Thread halt = new Thread(() -> {
                try {
                    Thread.sleep(15_000);
                } catch (InterruptedException ignored) {
                    // halting anyway
                }
                Runtime.getRuntime().halt(1);
            }, "halt");
            halt.setDaemon(true);
            halt.start();
            System.exit(0);
        }, "parent-watch");
        watch.setDaemon(true);
        watch.start();
        Class.forName(args[1]).getMethod("main", String[].class)
                .invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    }
}
