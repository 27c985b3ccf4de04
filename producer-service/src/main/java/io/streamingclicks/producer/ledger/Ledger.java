package io.streamingclicks.producer.ledger;

import io.streamingclicks.accounting.ledger.LedgerSummary;
import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.producer.config.ProducerSettings;
import io.streamingclicks.producer.send.Outcome;
import io.streamingclicks.producer.sink.Sink;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The ledger of this service under {@code <DATA_DIR>/ledger/}: what previous runs left (read once at start-up, for
 * the clock to resume from) and this run's file, flushed four times a second and once more at shutdown.
 */
@ApplicationScoped
public class Ledger {

    private static final Logger LOG = Logger.getLogger(Ledger.class);

    @Inject
    ProducerSettings settings;
    @Inject
    Sink sink;

    private Path dir;
    private LedgerSummary previous;
    private LedgerWriter writer;
    private long runStartMs;
    private volatile boolean closed;
    /** Quarkus' scheduler runs at most once a second; a crash should lose at most a quarter of that. */
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ledger-flush");
        t.setDaemon(true);
        return t;
    });

    @PostConstruct
    void open() {
        dir = Path.of(DataRoot.of(settings.dataDir()).ledger()).toAbsolutePath();
        runStartMs = System.currentTimeMillis();
        // The sink books a killed previous run's unledgered sends here, before this run sends anything.
        writer = sink.begin(dir, runStartMs);
        previous = LedgerSummary.readAll(dir);
        LOG.infof("ledger: appending to %s; previous runs end at event second %s", writer.file(),
                previous.lastOnTimeSecond());
        flusher.scheduleWithFixedDelay(this::flush, 250, 250, TimeUnit.MILLISECONDS);
    }

    /** The last on-time event second the previous runs acknowledged or tried, or null on a first run. */
    public Instant previousRunsEnd() {
        return previous.lastOnTimeSecond() != null ? previous.lastOnTimeSecond() : previous.lastSecond();
    }

    /** Books one answered send; {@code partition} and {@code offset} are -1 unless it was acknowledged. */
    public void answered(Instant eventTime, String pageId, boolean late, Outcome outcome, int partition, long offset) {
        writer.answered(eventTime, pageId, late, outcome, partition, offset);
    }

    /** The highest sequence number of {@code run}'s landing files that the ledger on disk has booked, or -1. */
    public long bookedThrough(String run) {
        return Math.max(previous.landedSeq().getOrDefault(run, -1L), writer.writtenLanded(run));
    }

    /** This run's id: its ledger file's start time, put on every record it sends (and in its landing file names). */
    public String runId() {
        return Long.toString(runStartMs);
    }

    synchronized void flush() {
        try {
            if (!closed) {
                writer.flush();
            }
        } catch (RuntimeException e) {
            // Counts stay pending in the writer and go out with the next flush; say so once per failure.
            LOG.errorf("ledger flush failed, will retry: %s", e.getMessage());
        }
    }

    /** Final flush; called after the Kafka producer has closed, so every answered send is in. */
    public synchronized void close() {
        if (!closed) {
            closed = true;
            flusher.shutdown();
            writer.close();
        }
    }

    public Path dir() {
        return dir;
    }

    public Path file() {
        return writer.file();
    }

    public LedgerSummary read(Instant from, Instant to, String page) {
        writer.flush();
        return LedgerSummary.read(dir, from, to, page);
    }
}
