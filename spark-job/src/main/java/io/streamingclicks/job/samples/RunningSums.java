package io.streamingclicks.job.samples;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * One pass over a partition sorted by (key, time, kind): per key, running sums of the delta columns and running
 * maxima of the time columns, handed to each sample row (every row whose kind is not {@link #DELTA}) as of its place
 * in the stream; the delta rows themselves are dropped. Constant memory per key, however long its stream: what a
 * {@code ROWS UNBOUNDED PRECEDING} window computes, without the window operator buffering a key's whole group (a
 * popular page's day is tens of millions of rows).
 */
final class RunningSums implements MapPartitionsFunction<Row, Row> {

    /** The kind of a delta row; any other kind is a sample. */
    static final int DELTA = 1;

    private final int[] key;
    private final int kind;
    private final int[] sums;
    private final int[] maxima;

    /**
     * @param schema the stream's columns
     * @param key    the key's columns
     * @param kind   the kind column
     * @param sums   the delta columns (LONG, null as 0), replaced by their running sums on a sample row
     * @param maxima the time columns (LONG, nullable), replaced by their running maxima on a sample row
     */
    RunningSums(StructType schema, List<String> key, String kind, List<String> sums, List<String> maxima) {
        this.key = key.stream().mapToInt(schema::fieldIndex).toArray();
        this.kind = schema.fieldIndex(kind);
        this.sums = sums.stream().mapToInt(schema::fieldIndex).toArray();
        this.maxima = maxima.stream().mapToInt(schema::fieldIndex).toArray();
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return new Iterator<>() {
            private final long[] sum = new long[sums.length];
            private final Long[] max = new Long[maxima.length];
            private Object[] current;
            private Row next;

            @Override
            public boolean hasNext() {
                while (next == null && rows.hasNext()) {
                    Row r = rows.next();
                    Object[] k = keyOf(r);
                    if (!Arrays.equals(k, current)) {
                        current = k;
                        Arrays.fill(sum, 0);
                        Arrays.fill(max, null);
                    }
                    if (r.getInt(kind) == DELTA) {
                        add(r);
                    } else {
                        next = sample(r);
                    }
                }
                return next != null;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Row r = next;
                next = null;
                return r;
            }

            private void add(Row r) {
                for (int i = 0; i < sums.length; i++) {
                    if (!r.isNullAt(sums[i])) {
                        sum[i] += r.getLong(sums[i]);
                    }
                }
                for (int i = 0; i < maxima.length; i++) {
                    if (!r.isNullAt(maxima[i])) {
                        long v = r.getLong(maxima[i]);
                        if (max[i] == null || v > max[i]) {
                            max[i] = v;
                        }
                    }
                }
            }

            private Row sample(Row r) {
                Object[] values = new Object[r.length()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = r.get(i);
                }
                // The sample's own columns are null in the delta columns: its values add nothing.
                for (int i = 0; i < sums.length; i++) {
                    values[sums[i]] = sum[i];
                }
                for (int i = 0; i < maxima.length; i++) {
                    Long m = max[i];
                    if (!r.isNullAt(maxima[i]) && (m == null || r.getLong(maxima[i]) > m)) {
                        m = r.getLong(maxima[i]);
                    }
                    values[maxima[i]] = m;
                }
                return RowFactory.create(values);
            }
        };
    }

    private Object[] keyOf(Row r) {
        Object[] k = new Object[key.length];
        for (int i = 0; i < key.length; i++) {
            k[i] = r.get(key[i]);
        }
        return k;
    }
}
