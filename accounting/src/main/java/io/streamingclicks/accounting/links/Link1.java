package io.streamingclicks.accounting.links;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.streamingclicks.accounting.ledger.SettledLedger;

/**
 * Link 1, producer to what the job read (docs/accounting.md): per settled (second, page) of the producer's ledger,
 * acknowledged &lt;= events read &lt;= acknowledged + in doubt. Events under a key the ledger never names are
 * external: reported, never a loss or a duplicate. The same comparison whatever the source (Kafka or landing files).
 *
 * @param compared settled keys compared
 * @param badKeys  keys outside the range
 * @param lost     acknowledged events missing, summed over the bad keys
 * @param doubled  events beyond acknowledged + in doubt, summed over the bad keys
 * @param external events under keys the ledger does not name
 * @param example  "; e.g. KEY: acked A, in doubt D, in WHERE N" for the first bad key in key order, or empty
 */
public record Link1(long compared, long badKeys, long lost, long doubled, long external, String example) {

    public boolean holds() {
        return badKeys == 0;
    }

    /**
     * @param skip   settled keys not to compare yet (their events may still be on their way)
     * @param counts events the job read, per key
     * @param where  what {@code counts} counts, for the example ("Kafka", "events")
     */
    public static Link1 compare(SettledLedger ledger, Set<SettledLedger.Key> skip,
                                Map<SettledLedger.Key, Long> counts, String where) {
        long compared = 0;
        long badKeys = 0;
        long lost = 0;
        long doubled = 0;
        String example = "";
        for (Map.Entry<SettledLedger.Key, SettledLedger.Sums> e : new TreeMap<>(ledger.settled()).entrySet()) {
            if (skip.contains(e.getKey())) {
                continue;
            }
            compared++;
            long n = counts.getOrDefault(e.getKey(), 0L);
            SettledLedger.Sums s = e.getValue();
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
        for (Map.Entry<SettledLedger.Key, Long> e : counts.entrySet()) {
            if (!ledger.allKeys().contains(e.getKey())) {
                external += e.getValue();
            }
        }
        return new Link1(compared, badKeys, lost, doubled, external, example);
    }
}
