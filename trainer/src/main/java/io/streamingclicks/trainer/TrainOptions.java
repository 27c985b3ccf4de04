package io.streamingclicks.trainer;

import io.streamingclicks.job.options.BatchCommand;
import io.streamingclicks.job.options.UsageException;
import io.streamingclicks.job.samples.SampleOptions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of {@code make train}: a train range and the test range after it, each widened to whole UTC hours as
 * {@code make samples} widens its range (the same parser), the data root, the Spark master and the regularisation.
 */
public record TrainOptions(Instant trainFrom, Instant trainTo, Instant testFrom, Instant testTo, String dataDir,
                           String master, double regParam) {

    public static String usage() {
        return """
                usage: make train TRAIN_FROM=TIME TRAIN_TO=TIME TEST_TO=TIME [TEST_FROM=TIME] [TRAIN_REG=0]
                       (trainer.jar --train-from TIME --train-to TIME --test-to TIME [--test-from TIME]
                                    [--reg 0] [--data-dir DIR] [--master M])
                  TRAIN_FROM, TRAIN_TO  the range the logistic regression is fitted on
                  TEST_FROM, TEST_TO    the range it is evaluated on; TEST_FROM defaults to TRAIN_TO (the next
                                        range); it must not overlap the train range
                                        UTC times as make samples takes them (2026-12-01T10, 2026-12-01T10:00:00Z),
                                        widened to whole hours: FROM down, TO up. Both ranges need make samples first.
                  TRAIN_REG             L2 regularisation (MLlib regParam), default 0 (plain maximum likelihood)
                  DATA_DIR              data root, a local path (default data); JOB_MASTER Spark master (local[2])
                e.g. make samples FROM=2026-12-01T04 TO=2026-12-01T07
                     make train TRAIN_FROM=2026-12-01T04 TRAIN_TO=2026-12-01T06 TEST_TO=2026-12-01T07
                """;
    }

    public static TrainOptions parse(String[] args, Map<String, String> env) {
        Map<String, String> o = new HashMap<>(Map.of("--data-dir", env.getOrDefault("DATA_DIR", "data"),
                "--master", env.getOrDefault("JOB_MASTER", "local[2]")));
        BatchCommand.forEachOption(args, (a, v) -> {
            if (!List.of("--train-from", "--train-to", "--test-from", "--test-to", "--reg", "--data-dir", "--master")
                    .contains(a)) {
                throw new UsageException("unknown option " + a);
            }
            o.put(a, v.strip());
        });
        String trainFrom = o.get("--train-from");
        String trainTo = o.get("--train-to");
        String testFrom = o.get("--test-from") == null || o.get("--test-from").isEmpty() ? null : o.get("--test-from");
        String testTo = o.get("--test-to");
        double reg = o.containsKey("--reg") ? reg(o.get("--reg")) : 0;
        String dataDir = o.get("--data-dir");
        String master = o.get("--master");
        List<String> missing = new ArrayList<>();
        if (trainFrom == null || trainFrom.isEmpty()) {
            missing.add("TRAIN_FROM (--train-from)");
        }
        if (trainTo == null || trainTo.isEmpty()) {
            missing.add("TRAIN_TO (--train-to)");
        }
        if (testTo == null || testTo.isEmpty()) {
            missing.add("TEST_TO (--test-to)");
        }
        if (!missing.isEmpty()) {
            throw new UsageException("missing " + String.join(", ", missing));
        }
        SampleOptions train = range("TRAIN", trainFrom, trainTo, dataDir, master);
        SampleOptions test = range("TEST", testFrom == null ? trainTo : testFrom, testTo, dataDir, master);
        if (test.from().isBefore(train.to()) && train.from().isBefore(test.to())) {
            throw new UsageException("the test range [" + test.from() + ", " + test.to() + ") overlaps the train"
                    + " range [" + train.from() + ", " + train.to() + "): a model scored on rows it was fitted on"
                    + " says nothing");
        }
        return new TrainOptions(train.from(), train.to(), test.from(), test.to(), dataDir, master, reg);
    }

    private static SampleOptions range(String name, String from, String to, String dataDir, String master) {
        try {
            return SampleOptions.parse(new String[] {"--from", from, "--to", to}, Map.of("DATA_DIR", dataDir,
                    "JOB_MASTER", master));
        } catch (UsageException e) {
            throw new UsageException(name + "_FROM/" + name + "_TO: " + e.getMessage().replace("--from", name
                    + "_FROM").replace("--to", name + "_TO"));
        }
    }

    private static double reg(String v) {
        try {
            double r = Double.parseDouble(v);
            if (r >= 0 && Double.isFinite(r)) {
                return r;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new UsageException("TRAIN_REG (--reg) must be a number >= 0, got '" + v + "'");
    }
}
