package io.streamingclicks.contract;

/**
 * Why a record went to {@code parquet/quarantine} instead of the pipeline. The {@link #code()} strings are stored in
 * the quarantine sink's {@code reason} column and read by the validator: they are an interface, add, don't rename.
 */
public enum QuarantineReason {
    UNPARSEABLE_JSON("unparseable_json", "the record value is not a JSON object"),
    MISSING_USER_ID("missing_user_id", "user_id is missing, null or blank"),
    MISSING_PAGE_ID("missing_page_id", "page_id (or page_url) is missing, null or blank"),
    MISSING_EVENT_TIME("missing_event_time", "event_time (or timestamp) is missing or null"),
    BAD_EVENT_TIME("bad_event_time", "event_time is not an ISO-8601 date-time"),
    FUTURE_EVENT_TIME("future_event_time",
            "event_time is more than the allowed skew after the record's Kafka timestamp (or file arrival)");

    private final String code;
    private final String description;

    QuarantineReason(String code, String description) {
        this.code = code;
        this.description = description;
    }

    public String code() {
        return code;
    }

    public String description() {
        return description;
    }
}
