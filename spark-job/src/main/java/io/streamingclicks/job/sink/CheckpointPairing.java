package io.streamingclicks.job.sink;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;

/**
 * Reads and writes {@code <checkpoint>/streamingclicks-pairing.properties}: which output directories and query shape
 * a checkpoint belongs to. Refuses to start a query whose checkpoint belongs to other outputs or another shape, or a
 * new checkpoint over an output that already has committed batches (a Parquet output would skip the new
 * checkpoint's first batches as "already written", losing them silently; an Iceberg table, whose commits carry the old
 * checkpoint's query id, would take them again, doubling rows).
 */
public final class CheckpointPairing {

    public static final String MARKER = "streamingclicks-pairing.properties";

    private CheckpointPairing() {
    }

    /**
     * Pairs a checkpoint with Parquet output directories, each committed through its {@code _spark_metadata}.
     *
     * @throws IllegalStateException saying which checkpoint, which output and what to do
     */
    public static void check(String query, List<String> outputs, String checkpoint, String shape,
                             Configuration conf) {
        List<String> outs = new ArrayList<>();
        try {
            for (String o : outputs) {
                outs.add(qualify(new Path(o), conf).toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the pairing of checkpoint " + checkpoint + " with outputs "
                    + outputs + ": " + e.getMessage(), e);
        }
        check(query, outs, checkpoint, shape, conf, o -> {
            Path output = new Path(o);
            try {
                return hasEntries(output.getFileSystem(conf), new Path(output, "_spark_metadata"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + output + "/_spark_metadata: " + e.getMessage(), e);
            }
        }, "the output would skip the new checkpoint's first batches as already written. Restore the checkpoint"
                + " that wrote it, or use a new output directory.");
    }

    /**
     * Pairs a checkpoint with outputs named {@code outs} (paths, or tables), {@code committed} telling whether an
     * output holds committed batches and {@code whyRefused} what a new checkpoint over such an output would do.
     *
     * @throws IllegalStateException saying which checkpoint, which output and what to do
     */
    public static void check(String query, List<String> outs, String checkpoint, String shape, Configuration conf,
                             Predicate<String> committed, String whyRefused) {
        try {
            String out = String.join(",", outs);
            Path chk = qualify(new Path(checkpoint), conf);
            FileSystem chkFs = chk.getFileSystem(conf);
            Path marker = new Path(chk, MARKER);
            if (chkFs.exists(marker)) {
                Properties p = new Properties();
                try (FSDataInputStream in = chkFs.open(marker)) {
                    p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                }
                String pairedOutput = p.getProperty("output");
                String pairedShape = p.getProperty("shape");
                if (!out.equals(pairedOutput)) {
                    throw new IllegalStateException("checkpoint " + chk + " of query '" + query + "' belongs to"
                            + " output " + pairedOutput + ", not " + out + ". A checkpoint and its outputs move"
                            + " together: point the job at " + pairedOutput + ", or give it a new checkpoint AND new"
                            + " output directories.");
                }
                if (!shape.equals(pairedShape)) {
                    throw new IllegalStateException("checkpoint " + chk + " of query '" + query + "' was written by a"
                            + " query of shape [" + pairedShape + "], this job's is [" + shape + "]. Its state cannot"
                            + " be reused: restore the old settings, or use a new checkpoint AND new output"
                            + " directories.");
                }
                return;
            }
            if (hasEntries(chkFs, new Path(chk, "offsets"))) {
                throw new IllegalStateException("checkpoint " + chk + " of query '" + query + "' has batches but"
                        + " no " + MARKER + ": it was not written by this job. Use a new checkpoint AND new output"
                        + " directories.");
            }
            for (String o : outs) {
                if (committed.test(o)) {
                    throw new IllegalStateException("output " + o + " of query '" + query + "' already has"
                            + " committed batches, but its checkpoint " + chk + " is new: " + whyRefused);
                }
            }
            chkFs.mkdirs(chk);
            Properties p = new Properties();
            p.setProperty("query", query);
            p.setProperty("output", out);
            p.setProperty("shape", shape);
            try (FSDataOutputStream os = chkFs.create(marker, false)) {
                p.store(new java.io.OutputStreamWriter(os, StandardCharsets.UTF_8), "written once by the spark job");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the pairing of checkpoint " + checkpoint + " with outputs "
                    + outs + ": " + e.getMessage(), e);
        }
    }

    private static Path qualify(Path p, Configuration conf) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        return fs.makeQualified(p);
    }

    private static boolean hasEntries(FileSystem fs, Path dir) throws IOException {
        if (!fs.exists(dir)) {
            return false;
        }
        FileStatus[] list = fs.listStatus(dir, path -> !path.getName().startsWith("."));
        return list.length > 0;
    }
}
