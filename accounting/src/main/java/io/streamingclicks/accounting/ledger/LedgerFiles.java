package io.streamingclicks.accounting.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The ledger directory: one file per producer run, {@code ledger-<run start, epoch ms>.jsonl}. */
public final class LedgerFiles {

    public static final String PREFIX = "ledger-";
    public static final String SUFFIX = ".jsonl";

    /**
     * One ledger file's lines, decoded (blank, torn and unknown lines left out), and whether the file ends with a
     * whole line: a flush is appended in one write, so a file that does not is being appended to right now.
     */
    public record Content(Path file, List<LedgerLine> lines, boolean endsWithWholeLine) {
    }

    private LedgerFiles() {
    }

    public static String fileName(String run) {
        return PREFIX + run + SUFFIX;
    }

    public static Path file(Path dir, String run) {
        return dir.resolve(fileName(run));
    }

    public static boolean isLedgerFile(String fileName) {
        return fileName.startsWith(PREFIX) && fileName.endsWith(SUFFIX)
                && fileName.length() > PREFIX.length() + SUFFIX.length();
    }

    /** The run id (run start, epoch ms) a ledger file is named by. */
    public static String runOf(Path file) {
        String n = file.getFileName().toString();
        return n.substring(PREFIX.length(), n.length() - SUFFIX.length());
    }

    /** The ledger files under {@code dir}, sorted by name; none when the directory does not exist. */
    public static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> isLedgerFile(p.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the ledger directory " + dir, e);
        }
    }

    /** The run ids of the ledger files in {@code dir}, sorted. */
    public static Set<String> runIds(Path dir) {
        Set<String> ids = new TreeSet<>();
        list(dir).forEach(f -> ids.add(runOf(f)));
        return ids;
    }

    public static Content read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ledger file " + file, e);
        }
        return new Content(file, decode(text), text.isEmpty() || text.endsWith("\n"));
    }

    /** Every file of {@code dir}, in name order. */
    public static List<Content> readAll(Path dir) {
        return list(dir).stream().map(LedgerFiles::read).toList();
    }

    static List<LedgerLine> decode(String text) {
        List<LedgerLine> out = new ArrayList<>();
        text.lines().forEach(l -> LedgerCodec.decode(l).ifPresent(out::add));
        return out;
    }
}
