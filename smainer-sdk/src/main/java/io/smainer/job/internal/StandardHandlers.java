package io.smainer.job.internal;

import io.smainer.job.JobContext;
import io.smainer.job.JobHandler;
import io.smainer.job.JobOutput;
import io.smainer.job.Jobs;
import io.smainer.protocol.JobSpec;
import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/** The Java implementations of the portable job kinds. Not API. */
public final class StandardHandlers {
    private StandardHandlers() {
    }

    /** @return one handler per kind of {@link Jobs#PORTABLE_KINDS} */
    public static List<JobHandler> all() {
        return List.of(new Matmul(), new Saxpy(), new ReduceSum(), new Sha256Batch());
    }

    /** {@value Jobs#MATMUL_F32}: blocked, bands of rows in parallel. */
    static final class Matmul implements JobHandler {
        @Override
        public String kind() {
            return Jobs.MATMUL_F32;
        }

        @Override
        public long requiredMemoryBytes(JobSpec spec) {
            Jobs.MatmulShape s = Jobs.matmulShape(spec);
            return s.inputBytes() + 2 * s.outputBytes();
        }

        @Override
        public JobOutput run(JobSpec spec, JobContext context) {
            Jobs.MatmulInput in = Jobs.readMatmul(spec);
            int m = in.shape().m();
            int k = in.shape().k();
            int n = in.shape().n();
            float[] c = new float[Math.multiplyExact(m, n)];
            context.parallelFor(Sgemm.bands(m), band -> Sgemm.band(m, k, n, in.a(), in.b(), c, band, context::isStopped));
            context.checkActive();
            return JobOutput.of(Jobs.floatBytes(c));
        }
    }

    /** {@value Jobs#SAXPY_F32}: {@code Math.fma}, one rounding, as the GPU's {@code fmaf}. */
    static final class Saxpy implements JobHandler {
        private static final int SLICE = 1 << 16;

        @Override
        public String kind() {
            return Jobs.SAXPY_F32;
        }

        @Override
        public long requiredMemoryBytes(JobSpec spec) {
            return 16L * Jobs.saxpyLength(spec);
        }

        @Override
        public JobOutput run(JobSpec spec, JobContext context) {
            Jobs.SaxpyInput in = Jobs.readSaxpy(spec);
            float a = in.a();
            float[] x = in.x();
            float[] y = in.y();
            float[] out = new float[x.length];
            context.parallelFor((x.length + SLICE - 1) / SLICE, s -> {
                int to = Math.min(x.length, (s + 1) * SLICE);
                for (int i = s * SLICE; i < to; i++) {
                    out[i] = Math.fma(a, x[i], y[i]);
                }
            });
            return JobOutput.of(Jobs.floatBytes(out));
        }
    }

    /** {@value Jobs#REDUCE_SUM_F32}: the fixed-order tree sum. */
    static final class ReduceSum implements JobHandler {
        @Override
        public String kind() {
            return Jobs.REDUCE_SUM_F32;
        }

        @Override
        public long requiredMemoryBytes(JobSpec spec) {
            return 4L * Jobs.reduceSumLength(spec) + 8192;
        }

        @Override
        public JobOutput run(JobSpec spec, JobContext context) {
            float sum = FixedOrderSum.sum(Jobs.readReduceSum(spec), context);
            return JobOutput.of(Jobs.floatBytes(new float[] {sum}));
        }
    }

    /** {@value Jobs#SHA256_BATCH}: the JDK's SHA-256, messages split over threads. */
    static final class Sha256Batch implements JobHandler {
        private static final int SLICE = 4096;

        @Override
        public String kind() {
            return Jobs.SHA256_BATCH;
        }

        @Override
        public long requiredMemoryBytes(JobSpec spec) {
            return 44L * Jobs.sha256Layout(spec).count();
        }

        @Override
        public JobOutput run(JobSpec spec, JobContext context) {
            Jobs.Sha256Layout layout = Jobs.sha256Layout(spec);
            byte[] payload = spec.payload();
            byte[] out = new byte[32 * layout.count()];
            context.parallelFor((layout.count() + SLICE - 1) / SLICE, s -> {
                MessageDigest md = sha256();
                int to = Math.min(layout.count(), (s + 1) * SLICE);
                for (int i = s * SLICE; i < to; i++) {
                    md.update(ByteBuffer.wrap(payload, (int) layout.offsets()[i], layout.lengths()[i]));
                    try {
                        md.digest(out, 32 * i, 32);
                    } catch (DigestException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            return JobOutput.of(out);
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every JDK", e);
            }
        }
    }
}
