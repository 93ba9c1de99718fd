package io.smainer.examples.demo;

import io.smainer.job.Jobs;
import io.smainer.protocol.JobSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small jobs of every standard kind, sized so the demo runs in seconds on two CPU cores. */
final class DemoJobs {
    private DemoJobs() {
    }

    static JobSpec forIndex(int i, Random random) {
        switch (i % 4) {
            case 0 -> {
                int n = 32 + random.nextInt(33);
                return Jobs.matmul(n, floats(n * n, random), floats(n * n, random));
            }
            case 1 -> {
                int n = 4096;
                return Jobs.saxpy(random.nextFloat(), floats(n, random), floats(n, random));
            }
            case 2 -> {
                return Jobs.reduceSum(floats(16_384, random));
            }
            default -> {
                List<byte[]> messages = new ArrayList<>();
                for (int m = 0; m < 16; m++) {
                    messages.add(("message " + m + " of task " + i + ", nonce " + random.nextLong()).getBytes(StandardCharsets.UTF_8));
                }
                return Jobs.sha256Batch(messages);
            }
        }
    }

    private static float[] floats(int n, Random random) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = random.nextFloat() * 2 - 1;
        }
        return f;
    }
}
