package io.streamingclicks.validator.dq;

import java.util.Map;
import java.util.Set;

/**
 * DESIGN.md link 1's comparison, whatever the source: per settled (second, page) of the producer's ledger,
 * acknowledged &lt;= events the job read &lt;= acknowledged + in doubt; events under a key the ledger never names are
 * external. Shared by {@link ProducerToKafkaCheck} and {@link ProducerToLandingCheck}.
 *
 * @param compared settled keys compared
 * @param badKeys  keys outside the range
 * @param lost     acknowledged events missing, summed over the bad keys
 * @param doubled  events beyond acknowledged + in doubt, summed over the bad keys
 * @param external events under keys the ledger does not name
 * @param example  "; e.g. KEY: acked A, in doubt D, in WHERE N" for the first bad key, or empty
 */
record LedgerComparison(long compared, long badKeys, long lost, long doubled, long external, String example) {

    /**
     * @param skip   settled keys not to compare yet (their events may still be on their way)
     * @param counts events the job read, per key
     * @param where  what {@code counts} counts, for the example ("Kafka", "events")
     */
    static LedgerComparison of(LedgerReader.Ledger ledger, Set<String> skip, Map<String, Long> counts, String where) {
        long compared = 0;
        long badKeys = 0;
        long lost = 0;
        long doubled = 0;
        String example = "";
        for (Map.Entry<String, LedgerReader.Sums> e : ledger.settled().entrySet()) {
            if (skip.contains(e.getKey())) {
                continue;
            }
            compared++;
            long n = counts.getOrDefault(e.getKey(), 0L);
            LedgerReader.Sums s = e.getValue();
            if (n < s.acked() || n > s.acked() + s.inDoubt()) {
                badKeys++;
                lost += Math.max(0, s.acked() - n);
                doubled += Math.max(0, n - s.acked() - s.inDoubt());
                if (example.isEmpty()) {
                    example = "; e.g. " + e.getKey() + ": acked " + s.acked() + ", in doubt " + s.inDoubt()
                            + ", in " + where + " " + n;
                }
            }
        }
        long external = 0;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (!ledger.allKeys().contains(e.getKey())) {
                external += e.getValue();
            }
        }
        return new LedgerComparison(compared, badKeys, lost, doubled, external, example);
    }
}
