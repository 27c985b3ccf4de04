package io.streamingclicks.validator.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The names, sizes and times of the files in a directory, listed again only when the directory may have changed.
 * <p>
 * A live data root's logs hold a few hundred files ({@code chk/<query>/offsets} and {@code commits} keep 100 batches
 * each): listing and stat-ing them all for every API request cost 1.3 ms at the median and tens of ms at the p99 on
 * the 2-core machine. Every change the job makes there (a new log file, a compaction, a deletion) is a create, rename
 * or unlink in the directory, and each sets the directory's modification time, so an unchanged time means an
 * unchanged listing. Except within one tick of the file system's clock: a change in the same tick as the listing
 * leaves the time as it was. So a listing is trusted only if the directory's time was already {@link #SETTLED_MS}
 * old when it was made (a tick is a few ms on Linux, up to 2 s on coarse file systems); a directory changed more
 * recently is listed again on every call until it settles.
 */
public final class DirectoryListings {

    /** How old a directory's modification time must be, when it is listed, for the listing to be reused. */
    static final long SETTLED_MS = 2_000;

    private record Listing(long dirMtimeMs, long listedAtMs, List<String> entries) {
    }

    private final Map<Path, Listing> listings = new HashMap<>();
    private final LongSupplier clock;

    public DirectoryListings() {
        this(System::currentTimeMillis);
    }

    DirectoryListings(LongSupplier clock) {
        this.clock = clock;
    }

    /** Appends {@code dir}'s entries as {@code path:size:mtime}, sorted; a missing directory as {@code dir:none}. */
    public synchronized void appendTo(Path dir, List<String> out) {
        long mtime;
        try {
            mtime = Files.getLastModifiedTime(dir).to(TimeUnit.MILLISECONDS);
        } catch (NoSuchFileException e) {
            listings.remove(dir);
            out.add(dir + ":none");
            return;
        } catch (IOException e) {
            listings.remove(dir);
            out.add(dir + ":unreadable");
            return;
        }
        Listing known = listings.get(dir);
        if (known == null || known.dirMtimeMs() != mtime || known.listedAtMs() - mtime < SETTLED_MS) {
            long listedAt = clock.getAsLong();
            known = new Listing(mtime, listedAt, list(dir));
            listings.put(dir, known);
        }
        out.addAll(known.entries());
    }

    private static List<String> list(Path dir) {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            out.add(dir + ":none");
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.sorted().forEach(p -> {
                try {
                    out.add(p + ":" + Files.size(p) + ":" + Files.getLastModifiedTime(p).toMillis());
                } catch (IOException gone) {
                    out.add(p + ":gone");
                }
            });
        } catch (IOException e) {
            out.add(dir + ":unreadable");
        }
        return out;
    }
}
