package io.streamingclicks.validator.committed;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.SeekableInputStream;

import io.streamingclicks.accounting.spark.PathRebase;

/**
 * Iceberg's {@link FileIO} over {@code java.nio} on local files, for reading only: the validator never writes to a
 * table. Keeps Hadoop off the classpath (Iceberg's default {@code HadoopFileIO} needs it). Locations are absolute as
 * the writer named them ({@code file:/data/warehouse/clicks/pv/metadata/...}, written where the job ran, perhaps a
 * container with {@code DATA_DIR=/data}); those below the table's location as the writer named it are rebased onto
 * the table's directory here ({@link PathRebase#below}), others are read where they say.
 */
public class LocalFileIO implements FileIO {

    private final Path tableDir;
    private final String loggedTableLocation;

    /** No rebase: every location is read where it says (what {@code io-impl} instantiates). */
    public LocalFileIO() {
        this(null, null);
    }

    /** Locations below {@code loggedTableLocation} are read below {@code tableDir}. */
    public LocalFileIO(Path tableDir, String loggedTableLocation) {
        this.tableDir = tableDir;
        this.loggedTableLocation = loggedTableLocation;
    }

    /** Where {@code location} is on this machine. */
    public Path localPath(String location) {
        if (tableDir != null) {
            var rebased = PathRebase.below(tableDir, loggedTableLocation, location);
            if (rebased.isPresent()) {
                return rebased.get();
            }
        }
        return Path.of(PathRebase.path(location));
    }

    @Override
    public InputFile newInputFile(String location) {
        return new LocalInputFile(location, localPath(location));
    }

    @Override
    public OutputFile newOutputFile(String location) {
        throw new UnsupportedOperationException("the validator reads Iceberg tables and never writes them; refused to"
                + " create " + location);
    }

    @Override
    public void deleteFile(String location) {
        throw new UnsupportedOperationException("the validator reads Iceberg tables and never writes them; refused to"
                + " delete " + location);
    }

    /** A local file under the name the table's metadata gives it. */
    static final class LocalInputFile implements InputFile {

        private final String location;
        private final Path path;

        LocalInputFile(String location, Path path) {
            this.location = location;
            this.path = path;
        }

        @Override
        public long getLength() {
            try {
                return Files.size(path);
            } catch (NoSuchFileException e) {
                throw notFound();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the size of " + path, e);
            }
        }

        @Override
        public SeekableInputStream newStream() {
            try {
                return new ChannelStream(FileChannel.open(path, StandardOpenOption.READ));
            } catch (NoSuchFileException e) {
                throw notFound();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open " + path, e);
            }
        }

        private NotFoundException notFound() {
            return new NotFoundException("%s is missing%s", path,
                    location.endsWith(path.toString()) ? "" : " (named " + location + " by the table)");
        }

        @Override
        public String location() {
            return location;
        }

        @Override
        public boolean exists() {
            return Files.isRegularFile(path);
        }
    }

    /** A seekable stream over a file channel. */
    static final class ChannelStream extends SeekableInputStream {

        private final FileChannel channel;

        ChannelStream(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public long getPos() throws IOException {
            return channel.position();
        }

        @Override
        public void seek(long newPos) throws IOException {
            if (newPos < 0) {
                throw new EOFException("cannot seek to " + newPos);
            }
            channel.position(newPos);
        }

        @Override
        public int read() throws IOException {
            ByteBuffer one = ByteBuffer.allocate(1);
            int n = channel.read(one);
            return n <= 0 ? -1 : one.get(0) & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            return channel.read(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public long skip(long n) throws IOException {
            long from = channel.position();
            long to = Math.min(channel.size(), from + Math.max(0, n));
            channel.position(to);
            return to - from;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(Integer.MAX_VALUE, Math.max(0, channel.size() - channel.position()));
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
