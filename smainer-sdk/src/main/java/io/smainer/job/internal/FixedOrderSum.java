package io.smainer.job.internal;

import io.smainer.job.JobContext;
import io.smainer.job.Jobs;
import java.util.Arrays;

/**
 * The float32 sum in the fixed order {@link Jobs#reduceSum(float[])} defines: rounds of
 * {@value Jobs#REDUCE_CHUNK}-element halving trees, zero-padded. Java's float arithmetic is IEEE 754
 * round-to-nearest, as the GPU kernel's is, so both give the same bits. Not API.
 */
public final class FixedOrderSum {
    private static final int CHUNK = Jobs.REDUCE_CHUNK;
    /** Chunks summed by one parallel task. */
    private static final int CHUNKS_PER_TASK = 256;

    private FixedOrderSum() {
    }

    /**
     * @param x the values
     * @param context for parallelism and stopping; may be null to run on the calling thread
     * @return their sum in the defined order
     */
    public static float sum(float[] x, JobContext context) {
        if (x.length == 0) {
            return 0f;
        }
        float[] cur = x;
        int len = x.length;
        while (len > 1) {
            int chunks = (len + CHUNK - 1) / CHUNK;
            float[] next = new float[chunks];
            float[] in = cur;
            int n = len;
            int tasks = (chunks + CHUNKS_PER_TASK - 1) / CHUNKS_PER_TASK;
            if (context == null || tasks == 1) {
                chunkRange(in, n, next, 0, chunks);
            } else {
                context.parallelFor(tasks, t -> chunkRange(in, n, next, t * CHUNKS_PER_TASK,
                        Math.min(chunks, (t + 1) * CHUNKS_PER_TASK)));
            }
            cur = next;
            len = chunks;
        }
        return cur[0];
    }

    private static void chunkRange(float[] in, int n, float[] out, int from, int to) {
        float[] s = new float[CHUNK];
        for (int c = from; c < to; c++) {
            int base = c * CHUNK;
            int take = Math.min(CHUNK, n - base);
            System.arraycopy(in, base, s, 0, take);
            Arrays.fill(s, take, CHUNK, 0f);
            for (int stride = CHUNK / 2; stride > 0; stride >>= 1) {
                for (int i = 0; i < stride; i++) {
                    s[i] = s[i] + s[i + stride];
                }
            }
            out[c] = s[0];
        }
    }
}
