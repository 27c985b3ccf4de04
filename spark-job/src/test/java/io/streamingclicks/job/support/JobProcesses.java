package io.streamingclicks.job.support;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Starts the shaded jar as child processes ({@code java -Xmx700m <Spark's add-opens> -jar}) for one test, and kills
 * those still running when the test ends ({@code @RegisterExtension}). Every process of the test JVM runs one private
 * copy of the jar: a build re-shading {@code target/spark-job.jar} meanwhile (another engineer in the same tree) would
 * otherwise pull classes out from under a running job.
 */
public final class JobProcesses implements AfterEachCallback {

    private static Path privateJar;

    private final List<String> jvmOptions;
    private final List<JobProcess> started = new ArrayList<>();

    /** @param jvmOptions for every process, e.g. {@code -Dspark.sql.streaming.fileSink.log.compactInterval=3} */
    public JobProcesses(String... jvmOptions) {
        this.jvmOptions = List.of(jvmOptions);
    }

    /** Starts the job on {@code root} (created if missing) with these command-line options. */
    public JobProcess start(Path root, String... args) {
        return start(List.of(), root, args);
    }

    /** As {@link #start(Path, String...)}, with more JVM options for this process only. */
    public JobProcess start(List<String> moreJvmOptions, Path root, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx700m"));
        cmd.addAll(jvmOptions);
        cmd.addAll(moreJvmOptions);
        cmd.addAll(Arrays.asList(System.getProperty("streamingclicks.job.jvm-flags", "").split("\\s+")));
        cmd.addAll(List.of("-jar", jar().toString()));
        cmd.addAll(List.of(args));
        cmd.removeIf(String::isBlank);
        try {
            Files.createDirectories(root);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("job.log").toFile())).start();
            JobProcess job = new JobProcess(root, p);
            started.add(job);
            return job;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the job jar on " + root, e);
        }
    }

    /**
     * Starts the job ({@code start}) and SIGKILLs it as soon as {@code state} holds, up to {@code attempts} times,
     * until one kill lands in that state (each attempt waits up to 120 s). True if one did.
     */
    public static boolean killUntilLandedIn(String state, int attempts, Callable<JobProcess> start,
                                            BooleanSupplier holds) throws Exception {
        for (int attempt = 1; attempt <= attempts; attempt++) {
            JobProcess job = start.call();
            boolean landed = job.killWhen(holds, Duration.ofSeconds(120));
            System.out.printf("kill attempt %d at %s: landed %s = %s%n", attempt, Instant.now(), state, landed);
            if (landed) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts the job ({@code start}, on {@code root}) and SIGKILLs it until a kill lands inside a batch of the events
     * query with a Parquet file written but not committed; fails unless one does, else returns those orphans.
     */
    public static List<Path> killInsideAnEventsBatch(Path root, int attempts, Callable<JobProcess> start)
            throws Exception {
        Path events = root.resolve("parquet/events");
        boolean landed = killUntilLandedIn("inside an events batch", attempts, start,
                () -> Checkpoints.batchInFlightWithOrphan(root.resolve("chk/ingest"), events));
        List<Path> orphans = landed ? Committed.orphans(events) : List.of();
        assertThat(orphans).as("a SIGKILL that left offsets/N without commits/N and an orphan file").isNotEmpty();
        return orphans;
    }

    /**
     * As {@link #killInsideAnEventsBatch}, but the orphan must hold bytes: Spark's readers skip an empty file, so only
     * an orphan with content shows whether the windows query reads events through their {@code _spark_metadata}.
     */
    public static List<Path> killInsideAnEventsBatchLeavingBytes(Path root, int attempts, Callable<JobProcess> start)
            throws Exception {
        Path events = root.resolve("parquet/events");
        boolean landed = killUntilLandedIn("inside an events batch, an orphan with bytes", attempts, start,
                () -> Checkpoints.batchInFlightWithOrphan(root.resolve("chk/ingest"), events)
                        && nonEmpty(Committed.orphans(events)));
        List<Path> orphans = landed ? Committed.orphans(events) : List.of();
        assertThat(orphans).as("a SIGKILL that left offsets/N without commits/N and an orphan file with bytes")
                .isNotEmpty();
        return orphans;
    }

    private static boolean nonEmpty(List<Path> files) {
        return files.stream().anyMatch(f -> {
            try {
                return Files.size(f) > 0;
            } catch (IOException gone) {
                return false;
            }
        });
    }

    /**
     * Starts the job ({@code start}, on {@code root}) and SIGKILLs it until a kill lands inside a batch of the windows
     * query ({@code chk/windows} has {@code offsets/N}, no {@code commits/N}) with a Parquet file written but not
     * committed in pv, uv or topn, once pv holds committed windows (so the restart has committed windows it could
     * write again); fails unless one does, else returns those orphans.
     */
    public static List<Path> killInsideAWindowsBatch(Path root, int attempts, Callable<JobProcess> start)
            throws Exception {
        List<Path> outputs = Stream.of("pv", "uv", "topn").map(o -> root.resolve("parquet").resolve(o)).toList();
        Path chk = root.resolve("chk/windows");
        boolean landed = killUntilLandedIn("inside a windows batch", attempts, start,
                () -> outputs.stream().anyMatch(o -> Checkpoints.batchInFlightWithOrphan(chk, o))
                        && committedBefore(outputs.get(0)));
        List<Path> orphans = landed ? outputs.stream().flatMap(o -> Committed.orphans(o).stream()).toList()
                : List.of();
        assertThat(orphans).as("a SIGKILL that left chk/windows offsets/N without commits/N and an orphan file")
                .isNotEmpty();
        return orphans;
    }

    /** {@code output} holds committed files. */
    private static boolean committedBefore(Path output) {
        try {
            return !Committed.named(output).isEmpty();
        } catch (RuntimeException partlyWritten) {
            return false;
        }
    }

    /**
     * Command-line options for a job on {@code root} with 1-minute windows and watermark and a 200 ms trigger, so
     * many windows seal in a short run; {@code more} are appended.
     */
    public static String[] minuteWindows(Path root, String... more) {
        List<String> args = new ArrayList<>(List.of("--data-dir", root.toString(), "--window", "1 minute",
                "--watermark", "1 minute", "--trigger", "200 ms"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        started.stream().filter(JobProcess::isAlive).forEach(JobProcess::kill);
    }

    /** The private copy of the jar, made once per test JVM from a complete jar (waits out a re-shade in progress). */
    static synchronized Path jar() {
        if (privateJar == null) {
            Path source = Path.of(System.getProperty("streamingclicks.job.jar", "target/spark-job.jar"));
            try {
                Path dir = Files.createTempDirectory("spark-job-it-");
                Path copy = dir.resolve("spark-job.jar");
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                    Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
                    try (ZipFile z = new ZipFile(copy.toFile())) {
                        return z.getEntry("io/streamingclicks/job/Main.class") != null;
                    } catch (IOException halfWritten) {
                        return false;
                    }
                });
                dir.toFile().deleteOnExit(); // deleted after the file: the reverse order of registration
                copy.toFile().deleteOnExit();
                privateJar = copy;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + source, e);
            }
        }
        return privateJar;
    }
}
