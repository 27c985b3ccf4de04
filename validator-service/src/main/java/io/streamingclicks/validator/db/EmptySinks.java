package io.streamingclicks.validator.db;

import io.streamingclicks.contract.DataRoot.Sink;

/** A typed, empty SELECT per sink, with the columns of {@link io.streamingclicks.contract.OutputColumns}. */
final class EmptySinks {

    private EmptySinks() {
    }

    static String select(Sink sink) {
        String cols = switch (sink) {
            case UV -> "NULL::TIMESTAMP AS window_start, NULL::TIMESTAMP AS window_end, NULL::BIGINT AS uv";
            case PV -> "NULL::TIMESTAMP AS window_start, NULL::TIMESTAMP AS window_end, NULL::VARCHAR AS page_id,"
                    + " NULL::BIGINT AS pv";
            case EVENTS -> "NULL::VARCHAR AS event_id, NULL::VARCHAR AS user_id, NULL::VARCHAR AS page_id,"
                    + " NULL::TIMESTAMP AS event_time, NULL::VARCHAR AS action, NULL::BIGINT AS duration_ms,"
                    + " NULL::INTEGER AS kafka_partition, NULL::BIGINT AS kafka_offset,"
                    + " NULL::TIMESTAMP AS kafka_timestamp";
            case QUARANTINE -> "NULL::VARCHAR AS raw, NULL::VARCHAR AS reason, NULL::INTEGER AS kafka_partition,"
                    + " NULL::BIGINT AS kafka_offset, NULL::TIMESTAMP AS kafka_timestamp";
            case TOPN -> "NULL::TIMESTAMP AS window_start, NULL::TIMESTAMP AS window_end, NULL::INTEGER AS rank,"
                    + " NULL::VARCHAR AS page_id, NULL::BIGINT AS pv";
        };
        return "SELECT " + cols + " LIMIT 0";
    }
}
