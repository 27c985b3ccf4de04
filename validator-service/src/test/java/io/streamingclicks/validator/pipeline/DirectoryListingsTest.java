package io.streamingclicks.validator.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listing is reused only while the directory's time says nothing changed and said so when it was made. The
 * directory's time is set by hand here to stand for a file system whose clock did not tick between two changes.
 */
class DirectoryListingsTest {

    @TempDir
    Path dir;

    final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    final DirectoryListings listings = new DirectoryListings(now::get);

    List<String> names() {
        List<String> out = new ArrayList<>();
        listings.appendTo(dir, out);
        return out.stream().map(e -> Path.of(e.substring(0, e.indexOf(':'))).getFileName().toString()).toList();
    }

    void touchDir(long mtimeMs) throws Exception {
        Files.setLastModifiedTime(dir, FileTime.fromMillis(mtimeMs));
    }

    @Test
    void aFileAddedInTheSameTickAsARecentListingIsStillSeen() throws Exception {
        Files.writeString(dir.resolve("0"), "v1");
        touchDir(now.get() - 5);
        assertThat(names()).containsExactly("0");

        // Batch 1 lands within the same clock tick: the directory's time does not move.
        Files.writeString(dir.resolve("1"), "v1");
        touchDir(now.get() - 5);
        now.addAndGet(10);
        assertThat(names()).containsExactly("0", "1");
    }

    @Test
    void aSettledListingIsReusedUntilTheDirectoryChanges() throws Exception {
        Files.writeString(dir.resolve("0"), "v1");
        long settled = now.get() - DirectoryListings.SETTLED_MS - 1;
        touchDir(settled);
        assertThat(names()).containsExactly("0");

        // Not listed again: a file slipped in while the directory's time stays put is not seen (what "reused" means).
        Files.writeString(dir.resolve("ghost"), "v1");
        touchDir(settled);
        assertThat(names()).containsExactly("0");

        // Any real change moves the directory's time: seen at once.
        Files.writeString(dir.resolve("1"), "v1");
        touchDir(now.get());
        assertThat(names()).containsExactly("0", "1", "ghost");
    }

    @Test
    void aMissingDirectoryIsNamedAndItsCreationSeen() throws Exception {
        Path gone = dir.resolve("offsets");
        List<String> out = new ArrayList<>();
        listings.appendTo(gone, out);
        assertThat(out).containsExactly(gone + ":none");

        Files.createDirectories(gone);
        Files.writeString(gone.resolve("0"), "v1");
        out.clear();
        listings.appendTo(gone, out);
        assertThat(out).singleElement().asString().startsWith(gone.resolve("0") + ":2:");
    }
}
