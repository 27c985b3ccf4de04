package io.streamingclicks.producer.burst;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The answer to a burst, once every send in it has been answered. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BurstResult(String id, int count, long sent, long acked, long inDoubt, long failed, String offset,
                          String pageId, String eventTimeFrom, String eventTimeTo, List<Window> windows) {

    /** A window of the job's size ({@code WINDOW_DURATION}) that the burst's events fall in. */
    public record Window(String start, String end, long events) {
    }
}
