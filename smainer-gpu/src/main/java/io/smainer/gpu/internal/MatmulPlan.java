package io.smainer.gpu.internal;

/**
 * How a matrix product goes onto the GPU: the zero-padded sizes the kernels need (M, N to a multiple
 * of 128, K to a multiple of 8), the tile (128 x 128 when that gives at least one block per SM,
 * else 64 x 64) and the grid. Pure arithmetic, tested without a GPU. Not API.
 *
 * @param m rows of A and C
 * @param k columns of A, rows of B
 * @param n columns of B and C
 * @param mp padded m
 * @param kp padded k
 * @param np padded n
 * @param tile 128 or 64
 */
public record MatmulPlan(int m, int k, int n, int mp, int kp, int np, int tile) {
    /**
     * @param m rows of A and C
     * @param k columns of A, rows of B
     * @param n columns of B and C
     * @param multiprocessors the device's SM count
     * @return the plan
     */
    public static MatmulPlan of(int m, int k, int n, int multiprocessors) {
        int mp = roundUp(m, 128);
        int np = roundUp(n, 128);
        int kp = roundUp(k, 8);
        long bigTiles = (long) (mp / 128) * (np / 128);
        int tile = bigTiles >= multiprocessors ? 128 : 64;
        return new MatmulPlan(m, k, n, mp, kp, np, tile);
    }

    /** @return the kernel's entry point */
    public String kernel() {
        return tile == 128 ? "sgemm_128x128" : "sgemm_64x64";
    }

    /** @return threads per block */
    public int blockThreads() {
        return tile == 128 ? 256 : 64;
    }

    /** @return blocks along x (columns of C) */
    public int gridX() {
        return np / tile;
    }

    /** @return blocks along y (rows of C) */
    public int gridY() {
        return mp / tile;
    }

    /** @return device memory for padded A, B and C */
    public long deviceBytes() {
        return 4L * mp * kp + 4L * kp * np + 4L * mp * np;
    }

    /** @return true when A or B needs zero padding */
    public boolean padded() {
        return mp != m || kp != k || np != n;
    }

    static int roundUp(int v, int to) {
        return (int) (((long) v + to - 1) / to * to);
    }
}
