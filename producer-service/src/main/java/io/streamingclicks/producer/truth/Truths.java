package io.streamingclicks.producer.truth;

import io.streamingclicks.accounting.ledger.LedgerFiles;
import io.streamingclicks.contract.ClickTruth;
import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.producer.config.ProducerSettings;
import io.streamingclicks.producer.generate.Catalogue;
import io.streamingclicks.producer.generate.ClickCalibration;
import io.streamingclicks.producer.generate.GeneratorSettings;
import io.streamingclicks.producer.ledger.Ledger;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.jboss.logging.Logger;

/** The service's one {@link ClickTruth}: this start's settings, settled against the data root's truth.json. */
public class Truths {

    private static final Logger LOG = Logger.getLogger(Truths.class);

    @Produces
    @Singleton
    ClickTruth clickTruth(ProducerSettings settings, Ledger ledger) {
        ClickTruth configured = ClickTruth.fromSettings(settings::value, 0);
        OptionalDouble base = ClickTruth.configuredBase(settings::value);
        Path file = Path.of(DataRoot.of(settings.dataDir()).truth()).toAbsolutePath();
        boolean fresh = !file.toFile().exists();
        if (fresh && LedgerFiles.list(file.getParent()).stream().anyMatch(f -> !f.equals(ledger.file()))) {
            LOG.warnf("%s is new, but the ledger holds earlier runs: their events were drawn before the click model"
                    + " was recorded, and the file describes this run onwards", file);
        }
        ClickTruth truth = TruthFile.settle(file, configured, base, () -> ClickCalibration.base(configured,
                new Catalogue(settings.users(), settings.pages(), settings.skew(), GeneratorSettings.DEFAULT_ACTIONS),
                settings.rate()));
        LOG.infof("click model %s (%s): %s", truth.model().text(), fresh ? "written to " + file : "from " + file,
                truth);
        return truth;
    }
}
