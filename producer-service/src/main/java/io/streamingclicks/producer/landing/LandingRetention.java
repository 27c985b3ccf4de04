package io.streamingclicks.producer.landing;

import io.streamingclicks.accounting.spark.FileSourceLog;
import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.producer.config.ProducerSettings;
import io.streamingclicks.producer.ledger.Ledger;
import io.streamingclicks.producer.sink.LandingSink;
import io.streamingclicks.producer.sink.Sink;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Optional pruning of {@code DATA_DIR/landing} ({@code PRODUCER_LANDING_RETENTION}): deletes a landing file once it is
 * older than the retention, booked in the ledger on disk, and read in a committed batch by the job's ingest query,
 * the only one that reads {@code landing/} ({@link FileSourceLog#committedByIngest}, from {@code DATA_DIR/chk/ingest};
 * {@code chk/windows} is a file source over the events parquet files, not over landing). Deleting a file the job has not read would
 * lose its events; deleting one the ledger has not booked would make a crash recovery miss it.
 */
@ApplicationScoped
public class LandingRetention {

    private static final Logger LOG = Logger.getLogger(LandingRetention.class);

    @Inject
    ProducerSettings settings;
    @Inject
    Ledger ledger;
    @Inject
    Sink sink;

    private ScheduledExecutorService pruner;

    /** Starts pruning every min(retention, 1 min) in landing mode with a retention set; otherwise does nothing. */
    public synchronized void start() {
        if (!(sink instanceof LandingSink landingSink) || settings.landingRetention().isEmpty() || pruner != null) {
            return;
        }
        Duration retention = settings.landingRetention().get();
        DataRoot root = DataRoot.of(settings.dataDir());
        Path landing = landingSink.dir();
        Path chk = Path.of(root.resolve(DataRoot.CHECKPOINTS)).toAbsolutePath();
        long period = Math.max(1000, Math.min(retention.toMillis(), 60_000));
        pruner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "landing-retention");
            t.setDaemon(true);
            return t;
        });
        pruner.scheduleWithFixedDelay(() -> {
            try {
                List<String> deleted = prune(landing, chk, retention, Instant.now(), ledger::bookedThrough);
                if (!deleted.isEmpty()) {
                    LOG.infof("landing retention: deleted %d files older than %s, booked and read by the ingest query"
                            + " (%s .. %s)", deleted.size(), retention, deleted.get(0), deleted.get(deleted.size() - 1));
                }
            } catch (RuntimeException e) {
                // Spark may be compacting its log right now; the next pass sees a consistent one.
                LOG.warnf("landing retention: pass skipped: %s", e.getMessage());
            }
        }, period, period, TimeUnit.MILLISECONDS);
        LOG.infof("landing retention %s: files in %s are deleted once older, booked in the ledger and read by the"
                + " ingest query (%s/ingest)", retention, landing, chk);
    }

    public synchronized void stop() {
        if (pruner != null) {
            pruner.shutdownNow();
            pruner = null;
        }
    }

    /**
     * One pass: deletes each landing file whose last modification is before {@code now - retention}, whose sequence
     * number is at most {@code bookedThrough(run)}, and that the ingest query ({@code chk/ingest}) has read in a
     * committed batch; nothing at all while it holds no file-source log (Kafka, or not started). Returns the names deleted, in order.
     */
    public static List<String> prune(Path landing, Path chk, Duration retention, Instant now,
                                     ToLongFunction<String> bookedThrough) {
        Map<String, Path> candidates = new TreeMap<>();
        long cutoff = now.minus(retention).toEpochMilli();
        if (!Files.isDirectory(landing)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(landing)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                LandingName n = LandingName.parse(p.getFileName().toString());
                if (n != null && n.seq() <= bookedThrough.applyAsLong(n.run())
                        && Files.getLastModifiedTime(p).toMillis() < cutoff) {
                    candidates.put(n.fileName(), p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the landing directory " + landing, e);
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        Set<String> read = FileSourceLog.committedByIngest(chk).orElse(Set.of());
        List<String> deleted = new ArrayList<>();
        for (Map.Entry<String, Path> c : candidates.entrySet()) {
            if (read.contains(c.getKey())) {
                try {
                    Files.deleteIfExists(c.getValue());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete the landing file " + c.getValue(), e);
                }
                deleted.add(c.getKey());
            }
        }
        return deleted;
    }
}
