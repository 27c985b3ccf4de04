package io.streamingclicks.job.samples;

import java.time.Duration;
import java.util.List;

/**
 * Every name, window and smoothing constant of the samples and the features, in one place; docs/features.md explains
 * them and must list the same. Each feature of a sample (u, p, t) is computed from counted events (link 3) with event
 * time in {@code [t - window, t)}: never the event at t itself, never a later one.
 */
public final class FeatureSpec {

    private FeatureSpec() {
    }

    /** The default label horizon H: a click by u on p in (t, min(t + H, u's next view of p)] makes the label 1. */
    public static final Duration DEFAULT_HORIZON = Duration.ofMinutes(10);

    /** The short and the long sliding window of the user and page features. */
    public static final Duration SHORT = Duration.ofHours(1);
    public static final Duration LONG = Duration.ofHours(24);
    /** How far before FROM events are read: the longest window, so the first sample of the range has full history. */
    public static final Duration HISTORY = LONG;

    /**
     * Smoothed CTR = (clicks + PRIOR_CLICKS) / (views + PRIOR_VIEWS): a Beta prior worth PRIOR_VIEWS views at a CTR
     * of PRIOR_CLICKS / PRIOR_VIEWS = 0.35, about the producer's default mix (25 % clicks to 70 % views). A user or
     * page with no history gets 0.35, one with many views its own ratio.
     */
    public static final double PRIOR_VIEWS = 10.0;
    public static final double PRIOR_CLICKS = 3.5;

    public static final String VIEW = "view";
    public static final String CLICK = "click";

    /** Output directories under {@code DATA_DIR/parquet}. */
    public static final String SAMPLES_DIR = "samples";
    public static final String USER_DIR = "features/user";
    public static final String PAGE_DIR = "features/page";
    public static final String USER_PAGE_DIR = "features/user_page";

    public static final String LABEL = "label";
    /** On a sample: t + H, the end of the longest label interval; what must be sealed for the label to be final. */
    public static final String LABEL_UNTIL = "label_until";
    /** On a sample: the windows query's committed watermark (chk/windows) when the sample was derived. */
    public static final String SEALED_AT = "sealed_at";
    /**
     * On every feature row: the latest event time of an event its features were computed from (null: none), which
     * must be before the row's event_time; the validator checks it over the whole tables.
     */
    public static final String SOURCE_MAX_EVENT_TIME = "source_max_event_time";

    public static final String USER_VIEWS_1H = "user_views_1h";
    public static final String USER_VIEWS_24H = "user_views_24h";
    public static final String USER_CLICKS_1H = "user_clicks_1h";
    public static final String USER_CLICKS_24H = "user_clicks_24h";
    public static final String USER_CTR_1H = "user_ctr_1h";
    public static final String USER_CTR_24H = "user_ctr_24h";
    public static final String USER_DWELL_MS_1H = "user_mean_dwell_ms_1h";
    public static final String USER_DWELL_MS_24H = "user_mean_dwell_ms_24h";
    public static final String USER_PAGES_1H = "user_distinct_pages_1h";
    public static final String USER_PAGES_24H = "user_distinct_pages_24h";

    public static final String PAGE_VIEWS_1H = "page_views_1h";
    public static final String PAGE_VIEWS_24H = "page_views_24h";
    public static final String PAGE_CLICKS_1H = "page_clicks_1h";
    public static final String PAGE_CLICKS_24H = "page_clicks_24h";
    public static final String PAGE_CTR_1H = "page_ctr_1h";
    public static final String PAGE_CTR_24H = "page_ctr_24h";
    public static final String PAGE_USERS_1H = "page_distinct_users_1h";
    public static final String PAGE_USERS_24H = "page_distinct_users_24h";

    public static final String UP_VIEWS_24H = "user_page_views_24h";
    public static final String UP_CLICKS_24H = "user_page_clicks_24h";
    public static final String UP_SECONDS_SINCE_VIEW = "user_page_seconds_since_last_view";

    public static final List<String> USER_FEATURES = List.of(USER_VIEWS_1H, USER_VIEWS_24H, USER_CLICKS_1H,
            USER_CLICKS_24H, USER_CTR_1H, USER_CTR_24H, USER_DWELL_MS_1H, USER_DWELL_MS_24H, USER_PAGES_1H,
            USER_PAGES_24H);
    public static final List<String> PAGE_FEATURES = List.of(PAGE_VIEWS_1H, PAGE_VIEWS_24H, PAGE_CLICKS_1H,
            PAGE_CLICKS_24H, PAGE_CTR_1H, PAGE_CTR_24H, PAGE_USERS_1H, PAGE_USERS_24H);
    public static final List<String> USER_PAGE_FEATURES = List.of(UP_VIEWS_24H, UP_CLICKS_24H,
            UP_SECONDS_SINCE_VIEW);
}
