package io.smainer.job;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.protocol.JobSpec;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Freivalds' check of a claimed product C = A*B in O(rounds * (mk + kn + mn)) instead of O(mkn): for
 * random sign vectors r in {-1, +1}^n it compares A*(B*r) with C*r, row by row, in double precision.
 *
 * <p><b>Tolerance.</b> Float products differ between devices, so row i passes when
 * {@code |(A(Br) - Cr)_i| <= tol_i} with {@code tol_i = lambda * 2^-24 * sqrt(k) * ||a_i|| * ||B||_F}:
 * the probabilistic rounding-error bound of a length-k float dot product ({@code sqrt(k) u}, Higham),
 * times Cauchy-Schwarz ({@code |a_i|.|b_j| <= ||a_i|| ||b_j||}), summed over the n columns with random
 * signs ({@code sqrt(sum_j ||b_j||^2) = ||B||_F}). {@code lambda} is a safety factor,
 * {@value #DEFAULT_TOLERANCE_FACTOR} by default; honest products from the Java and GPU kernels stay
 * below a few percent of {@code tol} (the check reports the largest ratio it saw).
 *
 * <p><b>Error probability.</b> Let D = C - AB (exact). If some element has {@code |d_ij| > tol_i}, then
 * for either value of r_j the other signs fixed, at most one of them gives {@code |(Dr)_i| <= tol_i}
 * (the two differ by {@code 2|d_ij|}), so one round passes such a C with probability at most 1/2, and
 * {@link #rounds()} independent rounds with probability at most {@code 2^-rounds}: {@code 2^-20} by
 * default. Deviations within the tolerance are indistinguishable from rounding and pass.
 *
 * <p>The random signs must be unknown to the provider: the default source is {@link SecureRandom}.
 * Inputs holding NaN or infinity cannot be vouched for and fail. Thread-safe.
 */
public final class Freivalds implements ResultCheck {
    /** Rounds by default: error probability at most 2^-20. */
    public static final int DEFAULT_ROUNDS = 20;
    /** The safety factor lambda of the tolerance, by default. */
    public static final double DEFAULT_TOLERANCE_FACTOR = 8.0;
    /** The factor mu of the tolerance's bias term, by default. */
    public static final double DEFAULT_BIAS_FACTOR = 4.0;
    private static final double U = 0x1p-24;

    private final int rounds;
    private final double toleranceFactor;
    private final double biasFactor;
    private final Random random;

    private Freivalds(Builder b) {
        this.rounds = b.rounds;
        this.toleranceFactor = b.toleranceFactor;
        this.biasFactor = b.biasFactor;
        this.random = b.random != null ? b.random : new SecureRandom();
    }

    /** @return a check with the defaults and a {@link SecureRandom} */
    public static Freivalds create() {
        return builder().build();
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the number of rounds */
    public int rounds() {
        return rounds;
    }

    /** @return the chance that a product with an element off by more than its tolerance passes */
    public double errorProbabilityBound() {
        return Math.pow(2, -rounds);
    }

    @Override
    public CheckResult check(JobSpec spec, byte[] output) {
        Jobs.MatmulInput in;
        float[] c;
        try {
            in = Jobs.readMatmul(spec);
            c = Jobs.readMatmulOutput(spec, output);
        } catch (InvalidFieldException e) {
            return CheckResult.fail("cannot check: " + e.getMessage());
        }
        return check(in, c);
    }

    /**
     * @param in A and B with their shape
     * @param c the claimed C, {@code m*n} floats, row-major
     * @return the verdict, naming the first failing row
     */
    public CheckResult check(Jobs.MatmulInput in, float[] c) {
        int m = in.shape().m();
        int k = in.shape().k();
        int n = in.shape().n();
        if (c == null || c.length != (long) m * n) {
            return CheckResult.fail("C has " + (c == null ? 0 : c.length) + " elements, expected m*n = " + (long) m * n);
        }
        float[] a = in.a();
        float[] b = in.b();
        if (!finite(a) || !finite(b)) {
            return CheckResult.fail("A or B holds NaN or infinity: the product cannot be vouched for");
        }
        int badC = firstNonFinite(c);
        if (badC >= 0) {
            return CheckResult.fail("C[" + badC / n + "][" + badC % n + "] = " + c[badC] + " is not finite");
        }
        int t = rounds;
        // Random signs, laid out [j][t] so that the inner loops run over the rounds.
        double[] r = new double[n * t];
        long bits = 0;
        for (int idx = 0; idx < r.length; idx++) {
            if (idx % 64 == 0) {
                synchronized (random) {
                    bits = random.nextLong();
                }
            }
            r[idx] = (bits & 1) == 0 ? 1.0 : -1.0;
            bits >>>= 1;
        }
        double[] br = times(b, k, n, r, t);       // k x t
        double[] abr = times(a, m, k, br, t);      // m x t
        double[] cr = times(c, m, n, r, t);        // m x t
        double frob = 0;
        for (float v : b) {
            frob += (double) v * v;
        }
        frob = Math.sqrt(frob);
        double scale = toleranceFactor * U * Math.sqrt(k) * frob;
        double biasScale = biasFactor * U * k;
        double worst = 0;
        for (int i = 0; i < m; i++) {
            double rowNorm = 0;
            for (int p = 0, ar = i * k; p < k; p++) {
                double v = a[ar + p];
                rowNorm += v * v;
            }
            double cNorm = 0;
            for (int j = 0, cRow = i * n; j < n; j++) {
                double v = c[cRow + j];
                cNorm += v * v;
            }
            double tol = scale * Math.sqrt(rowNorm) + biasScale * Math.sqrt(cNorm);
            for (int q = 0; q < t; q++) {
                double diff = Math.abs(abr[i * t + q] - cr[i * t + q]);
                if (diff > tol) {
                    return CheckResult.fail("row " + i + " fails round " + (q + 1) + " of " + t + ": |A(Br) - Cr| = "
                            + diff + " > tolerance " + tol);
                }
                if (tol > 0) {
                    worst = Math.max(worst, diff / tol);
                }
            }
        }
        return CheckResult.pass(String.format(Locale.ROOT,
                "%d rounds passed (error probability <= 2^-%d); largest deviation %.3g of the tolerance", t, t, worst));
    }

    /** {@code x (rows x cols, float, row-major)} times {@code v (cols x t)} in double. */
    private static double[] times(float[] x, int rows, int cols, double[] v, int t) {
        double[] out = new double[rows * t];
        double[] acc = new double[t];
        for (int i = 0; i < rows; i++) {
            Arrays.fill(acc, 0);
            int xr = i * cols;
            for (int j = 0; j < cols; j++) {
                double xv = x[xr + j];
                int vr = j * t;
                for (int q = 0; q < t; q++) {
                    acc[q] += xv * v[vr + q];
                }
            }
            System.arraycopy(acc, 0, out, i * t, t);
        }
        return out;
    }

    private static boolean finite(float[] x) {
        return firstNonFinite(x) < 0;
    }

    private static int firstNonFinite(float[] x) {
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                return i;
            }
        }
        return -1;
    }

    /** Builds a {@link Freivalds} check. */
    public static final class Builder {
        private int rounds = DEFAULT_ROUNDS;
        private double toleranceFactor = DEFAULT_TOLERANCE_FACTOR;
        private double biasFactor = DEFAULT_BIAS_FACTOR;
        private Random random;

        private Builder() {
        }

        /**
         * @param rounds independent rounds, in {@code [1, 64]}; the error probability is {@code 2^-rounds}
         * @return this
         */
        public Builder rounds(int rounds) {
            this.rounds = (int) Require.range("rounds", rounds, 1, 64);
            return this;
        }

        /**
         * @param lambda the tolerance's safety factor, in {@code (0, 1e6]}
         * @return this
         */
        public Builder toleranceFactor(double lambda) {
            if (!(lambda > 0 && lambda <= 1e6)) {
                throw new InvalidFieldException("tolerance_factor", "a number in (0, 1e6]", lambda);
            }
            this.toleranceFactor = lambda;
            return this;
        }

        /**
         * @param mu the factor of the tolerance's bias term, in {@code [0, 1e6]}
         * @return this
         */
        public Builder biasFactor(double mu) {
            if (!(mu >= 0 && mu <= 1e6)) {
                throw new InvalidFieldException("bias_factor", "a number in [0, 1e6]", mu);
            }
            this.biasFactor = mu;
            return this;
        }

        /**
         * @param random where the signs come from; tests pass a seeded one, verifiers keep the default
         *     {@link SecureRandom}
         * @return this
         */
        public Builder random(Random random) {
            this.random = Require.present("random", random);
            return this;
        }

        /** @return the check */
        public Freivalds build() {
            return new Freivalds(this);
        }
    }
}
