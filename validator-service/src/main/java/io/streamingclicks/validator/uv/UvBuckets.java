package io.streamingclicks.validator.uv;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.streamingclicks.contract.DataRoot;
import io.streamingclicks.contract.DataRoot.Sink;
import io.streamingclicks.validator.config.ValidatorSettings;
import io.streamingclicks.validator.db.SnapshotFiles;
import io.streamingclicks.validator.db.Workspace;

/**
 * UV per hour or day bucket, each the {@link SketchUnion} of its windows' sketches, kept between requests and across
 * snapshots. A bucket's union depends only on the committed uv files of its time partitions (a Spark file sink never
 * rewrites a committed file: a new batch adds files, so the bucket's file list changes) and, while the bucket is not
 * wholly sealed, on the sealed watermark: that is the key. A new batch therefore re-merges only the buckets it wrote
 * to (today's day, the current hour), and those are read from their own partition directories only. 30 daily unions
 * over 8,640 windows otherwise read 140 MB of sketch bytes on every request.
 */
@ApplicationScoped
public class UvBuckets {

    private static final Duration HOUR = Duration.ofHours(1);

    @Inject
    ValidatorSettings settings;

    /** How many bucket unions are kept (a few numbers each, not the sketches); 0 merges every request afresh. */
    @ConfigProperty(name = "validator.uv.cached-buckets", defaultValue = "4096")
    int capacity;

    private Map<Key, Optional<UvBucket>> cache;

    /** What a bucket's union was merged from; {@code files} is the SHA-256 of its sorted committed file paths. */
    record Key(long startMs, long sizeMs, int lgK, long cutMs, String files) {
    }

    @PostConstruct
    void init() {
        int max = capacity;
        cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Optional<UvBucket>> eldest) {
                return size() > max;
            }
        };
    }

    /** Outside CDI (tests, the one-shot tools). */
    public static UvBuckets of(ValidatorSettings settings, int capacity) {
        UvBuckets b = new UvBuckets();
        b.settings = settings;
        b.capacity = capacity;
        b.init();
        return b;
    }

    /**
     * The buckets of {@code size} (a whole number of hours) in [from, to) that have at least one uv row, oldest
     * first, as {@link SketchUnion#buckets} gives them over the sealed rows of the range (queries.sql uv_sketches).
     * Narrows the workspace's uv files for the rest of its lease.
     */
    public List<UvBucket> buckets(Workspace ws, Duration size, Instant from, Instant to, int lgK, Long sealed)
            throws SQLException {
        long sizeMs = size.toMillis();
        SnapshotFiles files = ws.files();
        // Only the layout the job writes (date=/hour= of window start) maps a bucket to its files.
        boolean byPartition = sizeMs % HOUR.toMillis() == 0 && files.unpartitioned(Sink.UV).isEmpty();
        if (!byPartition) {
            return merge(ws, size, from, to, lgK, sealed);
        }
        Map<Long, Key> keys = new LinkedHashMap<>();
        Map<Long, Optional<UvBucket>> found = new LinkedHashMap<>();
        List<String> toRead = new ArrayList<>();
        for (long s = from.toEpochMilli(); s < to.toEpochMilli(); s += sizeMs) {
            List<String> mine = new ArrayList<>();
            for (long h = s; h < s + sizeMs; h += HOUR.toMillis()) {
                mine.addAll(files.partition(Sink.UV, partitionOf(Instant.ofEpochMilli(h))));
            }
            Key key = new Key(s, sizeMs, lgK, cut(s + sizeMs, sealed), digest(mine));
            keys.put(s, key);
            Optional<UvBucket> hit = capacity > 0 ? get(key) : null;
            if (hit == null) {
                toRead.addAll(mine);
            } else {
                found.put(s, hit);
            }
        }
        if (!toRead.isEmpty()) {
            ws.narrow(Sink.UV, toRead);
            Map<Long, UvBucket> merged = new LinkedHashMap<>();
            for (UvBucket b : merge(ws, size, from, to, lgK, sealed)) {
                merged.put(b.start().toEpochMilli(), b);
            }
            for (Map.Entry<Long, Key> k : keys.entrySet()) {
                if (!found.containsKey(k.getKey())) {
                    Optional<UvBucket> b = Optional.ofNullable(merged.get(k.getKey()));
                    found.put(k.getKey(), b);
                    if (capacity > 0) {
                        put(k.getValue(), b);
                    }
                }
            }
        }
        List<UvBucket> out = new ArrayList<>();
        for (Map.Entry<Long, Optional<UvBucket>> b : found.entrySet()) {
            b.getValue().ifPresent(u -> out.add(new UvBucket(u.start(), u.end(), u.estimate(), u.lower(), u.upper(),
                    u.windows(), u.windowsWithoutSketch(), sealed != null && u.end().toEpochMilli() <= sealed)));
        }
        out.sort((a, b) -> a.start().compareTo(b.start()));
        return out;
    }

    private static List<UvBucket> merge(Workspace ws, Duration size, Instant from, Instant to, int lgK, Long sealed)
            throws SQLException {
        SketchUnion.Merger m = new SketchUnion.Merger(size, lgK);
        UvReads.merge(ws, from, to, m);
        return m.buckets(sealed);
    }

    /**
     * The sealed watermark as far as it decides which rows of a bucket ending at {@code endMs} are read: a row counts
     * when its window ends at or before it, and the last window starting in the bucket ends a window after it.
     */
    private long cut(long endMs, Long sealed) {
        if (sealed == null || sealed >= endMs + settings.window().toMillis()) {
            return Long.MAX_VALUE;
        }
        return sealed;
    }

    private synchronized Optional<UvBucket> get(Key key) {
        return cache.get(key);
    }

    private synchronized void put(Key key, Optional<UvBucket> bucket) {
        cache.put(key, bucket);
    }

    static String partitionOf(Instant hour) {
        var t = hour.atZone(ZoneOffset.UTC);
        return DataRoot.PARTITION_COLUMNS.get(0) + "=" + t.toLocalDate() + "/" + DataRoot.PARTITION_COLUMNS.get(1) + "="
                + t.getHour();
    }

    private static String digest(List<String> files) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String f : files.stream().sorted().toList()) {
                md.update(f.getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\n');
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
