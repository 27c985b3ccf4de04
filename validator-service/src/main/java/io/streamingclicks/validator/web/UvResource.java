package io.streamingclicks.validator.web;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import io.streamingclicks.contract.UvPrecision;
import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.db.Workspace;
import io.streamingclicks.validator.db.Workspaces;
import io.streamingclicks.validator.uv.Grain;
import io.streamingclicks.validator.uv.SketchUnion;
import io.streamingclicks.validator.uv.UvBucket;
import io.streamingclicks.validator.uv.UvBuckets;
import io.streamingclicks.validator.uv.UvReads;

/**
 * UV per sealed window (HLL against exact over the counted events, queries.sql "uv_sanity"), or per UTC hour or day
 * as the union of the windows' sketches, with the union's bounds and, for ranges up to a day, the exact distinct
 * users of the counted events. "Last 24 hours" and "last 30 days" end at the sealed watermark, not the wall clock:
 * the validator reads time only from what the job committed.
 */
@Path("/api/uv")
@Produces(MediaType.APPLICATION_JSON)
public class UvResource {

    /** The exact count reads every counted event of the range: up to a day, as the issue asks. */
    static final Duration EXACT_MAX_RANGE = Duration.ofDays(1);

    @Inject
    Workspaces workspaces;

    @Inject
    ValidatorSettings settings;

    @Inject
    UvBuckets uvBuckets;

    @GET
    @Operation(summary = "UV per sealed window (HLL vs exact), or per UTC hour or day from the union of the window"
            + " sketches, with bounds at num_std_dev standard deviations")
    public Map<String, Object> uv(
            @Parameter(description = Grain.ALLOWED + ", default window") @QueryParam("grain") String grainText,
            @Parameter(description = "ISO-8601 UTC instant; hour/day: widened to the bucket holding it")
            @QueryParam("from") String from,
            @Parameter(description = "ISO-8601 UTC instant, after from; hour/day: widened to a bucket end")
            @QueryParam("to") String to) throws Exception {
        Grain grain = grainText == null || grainText.isBlank() ? Grain.WINDOW : Grain.parse(grainText.strip());
        if (grain == null) {
            throw new BadParameter("grain", Grain.ALLOWED, grainText);
        }
        Instant f = Params.instant("from", from);
        Instant t = Params.instant("to", to);
        Params.ordered("from", f, "to", t);
        int lgK = UvPrecision.lgK(settings.uvRsd());
        try (Workspace ws = workspaces.open()) {
            Long sealed = ws.snapshot().sealedMs();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("grain", grain.label());
            out.put("rsd", settings.uvRsd());
            out.put("lg_k", lgK);
            out.put("sigma", UvPrecision.sigma(lgK));
            out.put("num_std_dev", SketchUnion.NUM_STD_DEV);
            out.put("sealed_watermark", sealed == null ? null : Instant.ofEpochMilli(sealed));
            if (grain == Grain.WINDOW) {
                checkRange(grain, f, t, to);
                out.put("from", f);
                out.put("to", t);
                out.put("windows", windows(ws, f, t, lgK, sealed));
                return out;
            }
            Instant[] range = bucketRange(grain, f, t, sealed);
            if (range != null) {
                checkRange(grain, range[0], range[1], to);
            }
            boolean withExact = range != null
                    && Duration.between(range[0], range[1]).compareTo(EXACT_MAX_RANGE) <= 0;
            out.put("from", range == null ? null : range[0]);
            out.put("to", range == null ? null : range[1]);
            out.put("exact_included", withExact);
            out.put("buckets", range == null ? List.of() : buckets(ws, grain, range, lgK, sealed, withExact));
            return out;
        }
    }

    private static void checkRange(Grain grain, Instant f, Instant t, String to) {
        if (f != null && t != null && Duration.between(f, t).compareTo(grain.maxRange()) > 0) {
            throw new BadParameter("to", "at most " + grain.maxRange().toDays() + " days after from (grain "
                    + grain.label() + ")", to);
        }
    }

    /**
     * [from, to) widened to whole buckets. Without both ends: the default span ending at the end of the bucket
     * holding the sealed watermark (null when nothing is sealed yet); with one end: the default span from or to it.
     */
    private Instant[] bucketRange(Grain grain, Instant f, Instant t, Long sealed) {
        long size = grain.bucket(settings.window()).toMillis();
        long span = grain.defaultSpan().toMillis();
        long from;
        long to;
        if (f == null && t == null) {
            if (sealed == null) {
                return null;
            }
            to = ceil(sealed, size);
            from = to - span;
        } else if (f == null) {
            to = ceil(t.toEpochMilli(), size);
            from = to - span;
        } else if (t == null) {
            from = Math.floorDiv(f.toEpochMilli(), size) * size;
            to = from + span;
        } else {
            from = Math.floorDiv(f.toEpochMilli(), size) * size;
            to = ceil(t.toEpochMilli(), size);
        }
        return new Instant[]{Instant.ofEpochMilli(from), Instant.ofEpochMilli(to)};
    }

    private static long ceil(long ms, long size) {
        return -Math.floorDiv(-ms, size) * size;
    }

    private List<Map<String, Object>> buckets(Workspace ws, Grain grain, Instant[] range, int lgK, Long sealed,
                                              boolean withExact) throws Exception {
        Duration size = grain.bucket(settings.window());
        List<UvBucket> merged = uvBuckets.buckets(ws, size, range[0], range[1], lgK, sealed);
        Map<Instant, Long> exact = withExact ? UvReads.exact(ws, range[0], range[1], size) : Map.of();
        Map<Instant, UvBucket> byStart = new HashMap<>();
        merged.forEach(b -> byStart.put(b.start(), b));
        // A bucket with counted events but no uv row is listed too: its missing estimate is worth seeing.
        Set<Instant> starts = new TreeSet<>(byStart.keySet());
        starts.addAll(exact.keySet());
        List<Map<String, Object>> out = new ArrayList<>();
        for (Instant s : starts) {
            UvBucket b = byStart.getOrDefault(s, new UvBucket(s, s.plus(size), null, null, null, 0, 0,
                    sealed != null && s.plus(size).toEpochMilli() <= sealed));
            Map<String, Object> m = bucketFields(b);
            if (withExact) {
                m.put("exact", exact.getOrDefault(s, 0L));
            }
            out.add(m);
        }
        return out;
    }

    private static Map<String, Object> bucketFields(UvBucket b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", b.start());
        m.put("end", b.end());
        m.put("estimate", b.estimate());
        m.put("lower", b.lower());
        m.put("upper", b.upper());
        m.put("windows", b.windows());
        m.put("windows_without_sketch", b.windowsWithoutSketch());
        m.put("complete", b.complete());
        return m;
    }

    /** Today's window rows (uv_sanity), each with the bucket fields of its own sketch added. */
    private List<Map<String, Object>> windows(Workspace ws, Instant f, Instant t, int lgK, Long sealed)
            throws Exception {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("from_ts", Sql.ts(f));
        vars.put("to_ts", Sql.ts(t));
        List<Map<String, Object>> rows = ws.rows("uv_sanity", vars);
        SketchUnion.Merger merger = new SketchUnion.Merger(settings.window(), lgK);
        UvReads.merge(ws, f, t, merger);
        Map<Instant, UvBucket> byStart = new HashMap<>();
        merger.buckets(sealed).forEach(b -> byStart.put(b.start(), b));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            Map<String, Object> m = new LinkedHashMap<>(r);
            Instant start = (Instant) r.get("window_start");
            UvBucket b = byStart.getOrDefault(start, new UvBucket(start, start.plus(settings.window()), null, null,
                    null, 0, 0, sealed != null && start.plus(settings.window()).toEpochMilli() <= sealed));
            m.putAll(bucketFields(b));
            out.add(m);
        }
        return out;
    }
}
