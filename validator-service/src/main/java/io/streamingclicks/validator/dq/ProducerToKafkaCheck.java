package io.streamingclicks.validator.dq;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.streamingclicks.accounting.ledger.SettledLedger;
import io.streamingclicks.accounting.links.Link1;
import io.streamingclicks.accounting.spark.BatchOffsets;
import io.streamingclicks.contract.DataRoot.Query;
import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.db.Workspace;
import io.streamingclicks.validator.pipeline.OutputSnapshot;

/**
 * Link 1 (docs/accounting.md), producer to Kafka, computed by {@link Link1}: per settled (event-time second, page), acknowledged &lt;= records in Kafka
 * &lt;= acknowledged + in doubt, Kafka's side read from committed events. Records with no ledger entry (no
 * {@code event_id}, or a key the ledger never names) are external: reported, never a loss or a duplicate.
 */
@ApplicationScoped
public class ProducerToKafkaCheck implements Check {

    @Inject
    ValidatorSettings settings;

    static final String NAME = "reconciliation_producer_kafka";

    @Override
    public List<CheckResult> run(Workspace ws) throws Exception {
        if (ws.snapshot().source() == OutputSnapshot.Source.FILES) {
            return List.of(CheckResult.notApplicable(NAME, "the output comes from the file source; see "
                    + ProducerToLandingCheck.NAME));
        }
        Map<Integer, Long> end = new HashMap<>();
        for (BatchOffsets b : ws.snapshot().batches().getOrDefault(Query.INGEST, List.of())) {
            if (b.committed()) {
                end.putAll(b.endOffsets());
            }
        }
        if (end.isEmpty()) {
            for (Map<String, Object> p : ws.rows("dq_offsets")) {
                end.put(((Number) p.get("kafka_partition")).intValue(), DuplicateKeysCheck.n(p, "end_offset"));
            }
        }
        SettledLedger ledger = SettledLedger.read(settings.ledger(), end);
        long external = DuplicateKeysCheck.n(ws.row("external_events"), "n");
        if (!ledger.present()) {
            return List.of(CheckResult.notApplicable(NAME,
                    "no producer ledger under " + settings.ledger() + "; " + external + " external events"));
        }
        Map<SettledLedger.Key, Long> kafka = new HashMap<>();
        for (Map<String, Object> r : ws.rows("kafka_counts")) {
            SettledLedger.Key k = new SettledLedger.Key(((Number) r.get("second_ms")).longValue(),
                    (String) r.get("page_id"));
            kafka.put(k, DuplicateKeysCheck.n(r, "n"));
        }
        Link1 c = Link1.compare(ledger, Set.of(), kafka, "Kafka");
        external += c.external();
        return List.of(CheckResult.zero(NAME, c.badKeys(), c.badKeys() + " of "
                + c.compared() + " settled (second, page) keys disagree: " + c.lost() + " events lost, "
                + c.doubled() + " doubled; " + external + " external events" + c.example()));
    }
}
