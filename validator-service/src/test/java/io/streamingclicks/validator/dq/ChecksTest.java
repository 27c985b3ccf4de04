package io.streamingclicks.validator.dq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.streamingclicks.accounting.spark.CommittedOutput;
import io.streamingclicks.validator.fixture.StackFixture;

/**
 * Every check on a healthy data root passes; each broken fixture makes its check fail. Real DuckDB, real files
 * written as the job writes them.
 */
class ChecksTest {

    @TempDir
    Path tmp;

    Map<String, CheckResult> run(Consumer<StackFixture> breakIt, Map<String, String> settings) throws Exception {
        StackFixture f = new StackFixture(tmp.resolve("data"));
        breakIt.accept(f);
        f.write();
        try (Harness h = new Harness(f.root(), settings)) {
            return Harness.byName(h.runAll());
        }
    }

    Map<String, CheckResult> run(Consumer<StackFixture> breakIt) throws Exception {
        return run(breakIt, Map.of());
    }

    static void assertFails(Map<String, CheckResult> r, String check) {
        assertThat(r.get(check)).as(check).isNotNull();
        assertThat(r.get(check).status()).as(r.get(check).toString()).isEqualTo(Status.FAIL);
    }

    @Test
    void aHealthyDataRootPassesEveryCheck() throws Exception {
        Map<String, CheckResult> r = run(f -> { });
        assertThat(r.keySet()).contains("nulls_uv", "nulls_pv", "nulls_events", "duplicates_uv", "duplicates_pv",
                "event_id_unique", "reconciliation_kafka_events", "committed_files_present", "completeness",
                "hll_vs_exact", "reconciliation_events_pv", "reconciliation_producer_kafka", "quarantine_rate",
                "freshness");
        // On Kafka output the file source's two reconciliations cannot apply and say so; every other check passes.
        assertThat(r.values()).filteredOn(c -> !c.check().contains("landing"))
                .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(Status.PASS));
        assertThat(r.values()).filteredOn(c -> c.check().contains("landing")).hasSize(2)
                .allSatisfy(c -> assertThat(c.status()).isEqualTo(Status.NOT_APPLICABLE))
                .allSatisfy(c -> assertThat(c.detail()).startsWith("not applicable: the output comes from Kafka"));
        // The late events of window 0 are accounted as dropped, and the external ones as external.
        assertThat(r.get("reconciliation_events_pv").detail()).contains("3 events dropped as late");
        assertThat(r.get("reconciliation_producer_kafka").detail()).doesNotContain(" 0 external events");
        assertThat(r.get("completeness").detail()).contains("of 4 sealed windows");
    }

    /** The service binds an empty sink's file list as it is: no stand-in Parquet file, the same SQL as the CLI. */
    @Test
    void withNothingQuarantinedEveryCheckStillRunsAndPasses() throws Exception {
        Map<String, CheckResult> r = run(f -> f.noQuarantine = true);
        assertThat(r.values()).filteredOn(c -> !c.check().contains("landing"))
                .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(Status.PASS));
        assertThat(r.get("quarantine_rate").value()).isZero();
    }

    @Test
    void onAnEmptyDataRootNoCheckFails() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        try (Harness h = new Harness(empty, Map.of())) {
            assertThat(h.runAll()).isNotEmpty()
                    .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isNotEqualTo(Status.FAIL));
        }
    }

    /** The in-module file-source root is one the service's own checks find healthy, by landing file and line. */
    @Test
    void aFileSourceRootPassesTheLandingChecks() throws Exception {
        Map<String, CheckResult> r = run(f -> f.fileSource = true);
        assertThat(r.values()).filteredOn(c -> !c.check().contains("kafka"))
                .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(Status.PASS));
        assertThat(r.get("reconciliation_landing_events").detail()).contains("0 lines missing");
        assertThat(r.get("reconciliation_events_pv").detail()).contains("3 events dropped as late");
    }

    @Test
    void aDuplicatedPvRowFailsTheDuplicateCheck() throws Exception {
        Map<String, CheckResult> r = run(f -> f.duplicatePvRow = true);
        assertFails(r, "duplicates_pv");
        assertThat(r.get("duplicates_pv").value()).isEqualTo(1.0);
    }

    @Test
    void aMissingSealedWindowFailsCompleteness() throws Exception {
        Map<String, CheckResult> r = run(f -> f.dropSealedUvWindow = true);
        assertFails(r, "completeness");
        assertThat(r.get("completeness").value()).isEqualTo(1.0);
    }

    @Test
    void anHllValueOutsideToleranceFails() throws Exception {
        Map<String, CheckResult> r = run(f -> f.hllFactor = 1.5);
        assertFails(r, "hll_vs_exact");
        assertThat(r.get("hll_vs_exact").value()).isGreaterThan(5.0);
        // The window's sketch is inflated alike, so its hour's union is off as much.
        assertFails(r, "hll_vs_exact_hourly");
    }

    @Test
    void aLedgerMismatchFailsReconciliation() throws Exception {
        Map<String, CheckResult> r = run(f -> f.ledgerExtraAck = true);
        assertFails(r, "reconciliation_producer_kafka");
        assertThat(r.get("reconciliation_producer_kafka").detail()).contains("1 events lost");
    }

    @Test
    void aMissingOffsetFailsKafkaToEvents() throws Exception {
        Map<String, CheckResult> r = run(f -> f.dropOneEvent = true);
        assertFails(r, "reconciliation_kafka_events");
        assertThat(r.get("reconciliation_kafka_events").detail()).contains("1 missing");
    }

    @Test
    void aPvTotalDisagreeingWithCountedEventsFailsEventsToPv() throws Exception {
        assertFails(run(f -> f.pvOvercount = true), "reconciliation_events_pv");
    }

    @Test
    void aNullPageFailsTheNullCheck() throws Exception {
        assertFails(run(f -> f.nullPageInPv = true), "nulls_pv");
    }

    @Test
    void aRepeatedEventIdFails() throws Exception {
        assertFails(run(f -> f.duplicateEventId = true), "event_id_unique");
    }

    @Test
    void manyQuarantinedRecordsFailTheQuarantineRate() throws Exception {
        Map<String, CheckResult> r = run(f -> f.quarantineEvery = 4);
        assertFails(r, "quarantine_rate");
        assertThat(r.get("quarantine_rate").detail()).contains("missing_user_id");
    }

    @Test
    void staleOutputFailsFreshness() throws Exception {
        assertFails(run(f -> f.age = Duration.ofHours(3)), "freshness");
    }

    @Test
    void aCommittedFileGoneFromDiskFails() throws Exception {
        StackFixture f = new StackFixture(tmp.resolve("data")).write();
        Files.delete(CommittedOutput.read(f.root().resolve("parquet/uv")).files().get(0));
        try (Harness h = new Harness(f.root(), Map.of())) {
            assertFails(Harness.byName(h.runAll()), "committed_files_present");
        }
    }

    @Test
    void gradesWarnBetweenThresholds() {
        assertThat(Status.grade(4.0, 3.0, 5.0)).isEqualTo(Status.WARN);
        assertThat(Status.grade(3.0, 3.0, 5.0)).isEqualTo(Status.PASS);
        assertThat(Status.grade(5.1, 3.0, 5.0)).isEqualTo(Status.FAIL);
        assertThat(List.of(Status.values())).extracting(Status::code).containsExactly("pass", "warn", "fail",
                "not_applicable");
    }
}
