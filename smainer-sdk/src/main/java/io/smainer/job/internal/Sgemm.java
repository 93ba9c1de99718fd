package io.smainer.job.internal;

import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Blocked single-precision matrix product for the Java runner: {@code C = A*B}, all row-major.
 *
 * <p>Laid out for HotSpot's auto-vectoriser (JDK 17 C2 SuperWord), which vectorises a loop well only
 * when every array in it is indexed by the loop variable with no offset and it stores to one array.
 * So a {@link #KC} x {@link #NC} panel of B is copied into separate row arrays (it stays in L2), and
 * each row of C is accumulated in a zero-offset scratch row, eight k-steps per pass: every scratch
 * element loaded and stored carries eight multiply-adds. Measured on the 2-core build machine this
 * runs about four times faster than the textbook i-k-j loop over the flat arrays (docs/benchmarks.md).
 * Rows of C are split into bands of {@link #BAND} that can run in parallel. Not API.
 */
public final class Sgemm {
    /** Depth of a block: rows of B kept hot while a band of C rows passes over them. */
    static final int KC = 256;
    /** Width of a block: columns of B and C in one pass. */
    static final int NC = 512;
    /** Rows of C in one band (the unit of parallel work). */
    public static final int BAND = 64;

    private Sgemm() {
    }

    /**
     * @param m rows of C
     * @return the number of row bands {@link #band} splits C into
     */
    public static int bands(int m) {
        return (m + BAND - 1) / BAND;
    }

    /**
     * Adds A*B into rows {@code [band*BAND, min(m, (band+1)*BAND))} of C (zeroed C: computes them).
     * Bands touch disjoint rows of C, so different bands may run at once.
     *
     * @param m rows of A and C
     * @param k columns of A, rows of B
     * @param n columns of B and C
     * @param a A, {@code m*k}
     * @param b B, {@code k*n}
     * @param c C, {@code m*n}
     * @param band which band of rows
     * @param stop checked between blocks; returning true abandons the band
     */
    public static void band(int m, int k, int n, float[] a, float[] b, float[] c, int band,
            BooleanSupplier stop) {
        int i0 = band * BAND;
        int i1 = Math.min(m, i0 + BAND);
        int kcMax = Math.min(KC, k);
        int ncMax = Math.min(NC, n);
        float[][] panel = new float[kcMax][ncMax];
        float[] acc = new float[ncMax];
        for (int jj = 0; jj < n; jj += NC) {
            int w = Math.min(NC, n - jj);
            for (int kk = 0; kk < k; kk += KC) {
                if (stop.getAsBoolean()) {
                    return;
                }
                int kc = Math.min(KC, k - kk);
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, (kk + p) * n + jj, panel[p], 0, w);
                }
                for (int i = i0; i < i1; i++) {
                    Arrays.fill(acc, 0, w, 0f);
                    rowBlock(a, i * k + kk, kc, panel, acc, w);
                    int co = i * n + jj;
                    for (int j = 0; j < w; j++) {
                        c[co + j] += acc[j];
                    }
                }
            }
        }
    }

    private static void rowBlock(float[] a, int ar, int kc, float[][] panel, float[] acc, int w) {
        int p = 0;
        for (; p + 7 < kc; p += 8) {
            float a0 = a[ar + p];
            float a1 = a[ar + p + 1];
            float a2 = a[ar + p + 2];
            float a3 = a[ar + p + 3];
            float a4 = a[ar + p + 4];
            float a5 = a[ar + p + 5];
            float a6 = a[ar + p + 6];
            float a7 = a[ar + p + 7];
            float[] x0 = panel[p];
            float[] x1 = panel[p + 1];
            float[] x2 = panel[p + 2];
            float[] x3 = panel[p + 3];
            float[] x4 = panel[p + 4];
            float[] x5 = panel[p + 5];
            float[] x6 = panel[p + 6];
            float[] x7 = panel[p + 7];
            for (int j = 0; j < w; j++) {
                acc[j] += a0 * x0[j] + a1 * x1[j] + a2 * x2[j] + a3 * x3[j]
                        + a4 * x4[j] + a5 * x5[j] + a6 * x6[j] + a7 * x7[j];
            }
        }
        for (; p < kc; p++) {
            float a0 = a[ar + p];
            float[] x0 = panel[p];
            for (int j = 0; j < w; j++) {
                acc[j] += a0 * x0[j];
            }
        }
    }
}
