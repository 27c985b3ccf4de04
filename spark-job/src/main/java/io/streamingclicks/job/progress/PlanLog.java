package io.streamingclicks.job.progress;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.IncrementalExecution;
import org.apache.spark.sql.execution.streaming.StreamingQueryWrapper;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * With {@code -Dstreamingclicks.explain=true} (make bench-spark sets it), logs once per query the executed plan of a
 * batch that read rows, and how many {@code from_json} it holds: the parses per record a benchmark reports. Only a
 * batch that read rows counts: an empty batch's plan has the parse folded away with its empty input.
 */
public final class PlanLog extends StreamingQueryListener {

    public static final String PROPERTY = "streamingclicks.explain";

    private static final Logger LOG = LoggerFactory.getLogger(PlanLog.class);

    private final SparkSession spark;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    private PlanLog(SparkSession spark) {
        this.spark = spark;
    }

    /** Adds the listener when the property is set. */
    public static void addIfRequested(SparkSession spark) {
        if (Boolean.getBoolean(PROPERTY)) {
            spark.streams().addListener(new PlanLog(spark));
        }
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        String name = event.progress().name();
        if (name == null || event.progress().numInputRows() == 0 || logged.contains(name)) {
            return;
        }
        StreamingQuery query = spark.streams().get(event.progress().id());
        if (!(query instanceof StreamingQueryWrapper wrapper)) {
            return;
        }
        IncrementalExecution last = wrapper.streamingQuery().lastExecution();
        // The query may have started its next batch (perhaps an empty one): wait for a report that matches.
        if (last == null || last.currentBatchId() != event.progress().batchId() || !logged.add(name)) {
            return;
        }
        String plan = last.executedPlan().toString();
        LOG.info("explain: query={} batch={} from_json={}\n{}", name, event.progress().batchId(),
                plan.split("from_json\\(", -1).length - 1, plan);
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
    }

    @Override
    public void onQueryIdle(QueryIdleEvent event) {
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
    }
}
