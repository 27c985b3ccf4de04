package io.streamingclicks.validator.dq;

import java.nio.file.Path;
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
import io.streamingclicks.validator.pipeline.SnapshotReader;

/**
 * Link 1 (docs/accounting.md) on the file source's output, computed by {@link Link1}: the producer's ledger (landing mode writes the same format, with no
 * offset lines) against committed events per (event-time second, page): acknowledged &lt;= events &lt;= acknowledged
 * + in doubt. A key is settled unless one of its producer lines lies in a landing file the ingest query has not
 * committed yet; the ledger is read before the landing directory is listed, so every file holding an acknowledged
 * line is seen. Events with no ledger key are external.
 */
@ApplicationScoped
public class ProducerToLandingCheck implements Check {

    static final String NAME = "reconciliation_producer_landing";

    @Inject
    ValidatorSettings settings;

    @Override
    public List<CheckResult> run(Workspace ws) throws Exception {
        OutputSnapshot snap = ws.snapshot();
        if (snap.source() != OutputSnapshot.Source.FILES) {
            return List.of(CheckResult.notApplicable(NAME, snap.source() == OutputSnapshot.Source.KAFKA
                    ? "the output comes from Kafka; see " + ProducerToKafkaCheck.NAME
                    : "no committed batch in chk/ingest yet"));
        }
        SettledLedger ledger = SettledLedger.readAll(settings.ledger());
        long external = DuplicateKeysCheck.n(ws.row("external_events"), "n");
        if (!ledger.present()) {
            return List.of(CheckResult.notApplicable(NAME,
                    "no producer ledger under " + settings.ledger() + "; " + external + " external events"));
        }
        // Listed after the ledger was read: a file renamed (and acknowledged) before the read is here.
        Set<String> committed = committedByEvents(snap);
        List<Path> pending = SnapshotReader.landingFiles(settings.landing()).stream()
                .filter(p -> !committed.contains(p.getFileName().toString())).toList();
        Map<SettledLedger.Key, Long> events = new HashMap<>();
        Set<SettledLedger.Key> unsettled = new java.util.HashSet<>();
        ws.set("line_files", ws.connection().createArrayOf("VARCHAR", pending.stream().map(Object::toString).toArray()));
        try {
            for (Map<String, Object> r : ws.rows("landing_counts")) {
                if (r.get("second_ms") == null || r.get("page_id") == null) {
                    continue; // a pending line whose time or page does not parse: no producer event
                }
                SettledLedger.Key k = new SettledLedger.Key(((Number) r.get("second_ms")).longValue(),
                        (String) r.get("page_id"));
                events.put(k, DuplicateKeysCheck.n(r, "n"));
                if (Boolean.TRUE.equals(r.get("pending"))) {
                    unsettled.add(k);
                }
            }
        } finally {
            ws.set("line_files", null);
        }
        Link1 c = Link1.compare(ledger, unsettled, events, "events");
        external += c.external();
        long settled = c.compared();
        if (settled == 0) {
            return List.of(CheckResult.notApplicable(NAME, "no settled (second, page) key yet: "
                    + pending.size() + " landing files not yet committed by the ingest query"));
        }
        return List.of(CheckResult.zero(NAME, c.badKeys(), c.badKeys() + " of " + settled
                + " settled (second, page) keys disagree: " + c.lost() + " events lost, " + c.doubled() + " doubled; "
                + (ledger.settled().size() - settled) + " keys pending in " + pending.size()
                + " uncommitted landing files; " + external + " external events" + c.example()));
    }

    /** Landing files the ingest query has read in a committed batch, from its checkpoint and source log. */
    static Set<String> committedByEvents(OutputSnapshot snap) {
        Long upTo = null;
        for (BatchOffsets b : snap.batches().getOrDefault(Query.INGEST, List.of())) {
            if (b.committed() && b.fileLogOffset() != null) {
                upTo = b.fileLogOffset();
            }
        }
        Set<String> out = new java.util.HashSet<>();
        if (upTo != null) {
            long last = upTo;
            snap.sourceFiles().getOrDefault(Query.INGEST, Map.of()).forEach((f, batch) -> {
                if (batch <= last) {
                    out.add(f);
                }
            });
        }
        return out;
    }
}
