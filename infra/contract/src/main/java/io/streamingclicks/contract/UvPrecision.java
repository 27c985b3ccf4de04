package io.streamingclicks.contract;

/**
 * From {@link Setting#UV_RSD} to the window sketch's size and back: each window's uv is an HLL sketch with
 * {@code 2^lgK} registers, {@code lgK = ceil(2·log2(1.04 / rsd))}, whose relative standard error is
 * {@code 1.04 / sqrt(2^lgK)} (at most rsd). Spark 3.5's {@code hll_sketch_agg} accepts lgK 4..21, which is what
 * rsd in [0.001, 0.26] gives; the job refuses the rest.
 */
public final class UvPrecision {

    public static final double MIN_RSD = 0.001;
    public static final double MAX_RSD = 0.26;

    private UvPrecision() {
    }

    /** @throws IllegalArgumentException naming UV_RSD and its range */
    public static int lgK(double rsd) {
        if (!(rsd >= MIN_RSD && rsd <= MAX_RSD)) {
            throw new IllegalArgumentException("UV_RSD must be in [" + MIN_RSD + ", " + MAX_RSD + "] (the window"
                    + " sketch's lgK 4..21), got " + rsd);
        }
        return (int) Math.ceil(2 * (Math.log(1.04 / rsd) / Math.log(2)) - 1e-9);
    }

    /** The relative standard error of a sketch (or a union of sketches) with {@code 2^lgK} registers. */
    public static double sigma(int lgK) {
        return 1.04 / Math.sqrt(Math.pow(2, lgK));
    }
}
