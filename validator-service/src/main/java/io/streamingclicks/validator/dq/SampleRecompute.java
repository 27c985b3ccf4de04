package io.streamingclicks.validator.dq;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares one row of {@code samples_recompute}: each stored value ({@code stored_x}) with its naive recomputation
 * ({@code naive_x}). Counts and the label exactly, doubles (CTRs, mean dwell, seconds) to 1e-9 relative, times
 * exactly, null only against null.
 */
final class SampleRecompute {

    /** Every compared name, in the order of docs/features.md; each has a stored_ and a naive_ column. */
    static final List<String> COMPARED = List.of("label",
            "user_views_1h", "user_views_24h", "user_clicks_1h", "user_clicks_24h", "user_ctr_1h", "user_ctr_24h",
            "user_mean_dwell_ms_1h", "user_mean_dwell_ms_24h", "user_distinct_pages_1h", "user_distinct_pages_24h",
            "user_source_max_event_time",
            "page_views_1h", "page_views_24h", "page_clicks_1h", "page_clicks_24h", "page_ctr_1h", "page_ctr_24h",
            "page_distinct_users_1h", "page_distinct_users_24h", "page_source_max_event_time",
            "user_page_views_24h", "user_page_clicks_24h", "user_page_seconds_since_last_view",
            "user_page_source_max_event_time");
    private static final double TOLERANCE = 1e-9;

    private SampleRecompute() {
    }

    /** "feature stored X, recomputed Y" for each difference; a missing feature row is one difference. */
    static List<String> mismatches(Map<String, Object> r) {
        List<String> out = new ArrayList<>();
        for (String table : List.of("user", "page", "user_page")) {
            if (!Boolean.TRUE.equals(r.get("has_" + table + "_row"))) {
                out.add("features/" + table + " row missing");
            }
        }
        for (String f : COMPARED) {
            if (!f.equals("label") && !Boolean.TRUE.equals(r.get("has_" + table(f) + "_row"))) {
                continue; // named once above
            }
            Object stored = r.get("stored_" + f);
            Object naive = r.get("naive_" + f);
            if (!same(stored, naive)) {
                out.add(f + " stored " + stored + ", recomputed " + naive);
            }
        }
        return out;
    }

    /** The feature table a compared name belongs to: user_page, page or user. */
    private static String table(String feature) {
        return feature.startsWith("user_page") ? "user_page" : feature.startsWith("page_") ? "page" : "user";
    }

    static boolean same(Object stored, Object naive) {
        if (stored == null || naive == null) {
            return stored == naive;
        }
        if (stored instanceof Number s && naive instanceof Number n) {
            if (integral(s) && integral(n)) {
                return s.longValue() == n.longValue();
            }
            double a = s.doubleValue();
            double b = n.doubleValue();
            return Math.abs(a - b) <= TOLERANCE * Math.max(1.0, Math.abs(b));
        }
        return Objects.equals(stored, naive);
    }

    private static boolean integral(Number n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
    }

    /** The sample's key as a person finds it: Kafka (partition:offset) or (landing file, event id), and t. */
    static String key(Map<String, Object> r) {
        String k = r.get("kafka_partition") != null
                ? "kafka " + r.get("kafka_partition") + ":" + r.get("kafka_offset")
                : "file " + r.get("source_file") + " event " + r.get("event_id");
        return k + " (user " + r.get("user_id") + ", page " + r.get("page_id") + ", t " + r.get("event_time") + ")";
    }
}
