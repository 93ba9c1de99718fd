package io.smainer.job;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Straightforward references for the job kinds, written from the encodings' definitions in
 * {@link Jobs} and independent of the runners' code, for the contract suite and unit tests.
 */
public final class ReferenceMath {
    private ReferenceMath() {
    }

    /**
     * @param n how many
     * @param seed the seed
     * @return floats uniform in [-1, 1)
     */
    public static float[] randomFloats(int n, long seed) {
        Random r = new Random(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextFloat() * 2 - 1;
        }
        return out;
    }

    /** @return C = A*B, each element accumulated in double */
    public static double[] matmulDouble(int m, int k, int n, float[] a, float[] b) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double av = a[i * k + p];
                for (int j = 0; j < n; j++) {
                    c[i * n + j] += av * b[p * n + j];
                }
            }
        }
        return c;
    }

    /** @return the sum in the order Jobs.reduceSum defines, written as recursion over chunks */
    public static float fixedOrderSum(float[] x) {
        if (x.length == 0) {
            return 0f;
        }
        float[] level = x;
        while (level.length > 1) {
            int chunks = (level.length + 1023) / 1024;
            float[] next = new float[chunks];
            for (int c = 0; c < chunks; c++) {
                float[] v = new float[1024];
                for (int i = 0; i < 1024 && c * 1024 + i < level.length; i++) {
                    v[i] = level[c * 1024 + i];
                }
                next[c] = tree(v, 0, 1024);
            }
            level = next;
        }
        return level[0];
    }

    /** Halving: v[i] = v[i] + v[i + s] for s = len/2 ... 1, i.e. a tree whose left half is the low indices. */
    private static float tree(float[] v, int from, int len) {
        for (int s = len / 2; s > 0; s /= 2) {
            for (int i = 0; i < s; i++) {
                v[from + i] = v[from + i] + v[from + i + s];
            }
        }
        return v[from];
    }

    /** @return the SHA-256 digests of the messages */
    public static List<byte[]> sha256(List<byte[]> messages) throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (byte[] m : messages) {
            out.add(MessageDigest.getInstance("SHA-256").digest(m));
        }
        return out;
    }

    /** @return messages of every length that matters to SHA-256 padding, plus long and random ones */
    public static List<byte[]> awkwardMessages(long seed) {
        Random r = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        int[] lengths = {0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4096, 65_537};
        for (int len : lengths) {
            byte[] m = new byte[len];
            r.nextBytes(m);
            out.add(m);
        }
        for (int i = 0; i < 300; i++) {
            byte[] m = new byte[r.nextInt(300)];
            r.nextBytes(m);
            out.add(m);
        }
        return out;
    }
}
