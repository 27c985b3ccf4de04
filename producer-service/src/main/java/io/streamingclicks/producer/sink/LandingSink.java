package io.streamingclicks.producer.sink;

import io.streamingclicks.contract.ClickEvent;
import io.streamingclicks.producer.landing.LandingFiles;
import io.streamingclicks.producer.ledger.LandingRecovery;
import io.streamingclicks.producer.ledger.LedgerWriter;
import io.streamingclicks.producer.send.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Landing files ({@code PRODUCER_SINK=landing}): the same events as JSON lines in {@link LandingFiles} under
 * {@code DATA_DIR/landing}, each acknowledged once the file holding it is renamed into place (from then on the job's
 * file source sees it). Its ledger books a landing file whole, and marks every flush with this run's {@code landed}
 * line, so a restart can tell a flush torn by a crash and book the files a killed run renamed but never wrote down.
 */
public final class LandingSink implements Sink {

    private static final Logger LOG = Logger.getLogger(LandingSink.class);
    private static final Duration ROLL = Duration.ofSeconds(1);

    private final Path dir;
    private LandingFiles files;

    public LandingSink(Path dir) {
        this.dir = dir;
    }

    /** The landing directory. */
    public Path dir() {
        return dir;
    }

    @Override
    public LedgerWriter begin(Path ledgerDir, long runStartMs) {
        String run = Long.toString(runStartMs);
        LedgerWriter writer = LedgerWriter.landing(ledgerDir, runStartMs);
        try {
            LandingRecovery.recover(ledgerDir, dir, run, writer);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot reconcile the ledger in " + ledgerDir
                    + " with the landing files in " + dir + ": " + e.getMessage(), e);
        }
        files = new LandingFiles(dir, run, ROLL, (seq, bookings) -> writer.landed(run, seq, bookings));
        LOG.infof("writing JSON-lines files to %s, one per second (temp name, then rename)", dir);
        return writer;
    }

    @Override
    public void send(ClickEvent event, String json, boolean late, Answer answer) {
        files.add(json, late, written -> answer.answered(written ? Outcome.ACKED : Outcome.FAILED, -1, -1));
    }

    /**
     * Not looked for: landing files live under the same data root as the ledger, so a restart resumes its clock after
     * them, and starting over means deleting both.
     */
    @Override
    public Optional<Instant> newestEventTime() {
        return Optional.empty();
    }

    @Override
    public void close() {
        files.close();
    }
}
