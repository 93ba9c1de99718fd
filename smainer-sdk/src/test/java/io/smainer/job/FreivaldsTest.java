package io.smainer.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.protocol.JobSpec;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FreivaldsTest {
    private static float rms(float[] c) {
        double s = 0;
        for (float v : c) {
            s += (double) v * v;
        }
        return (float) Math.sqrt(s / c.length);
    }

    private static JobResult runJava(JobSpec spec) throws Exception {
        try (JavaJobRunner r = JavaJobRunner.create()) {
            return r.submit(spec).get(60, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "m={0} k={1} n={2}")
    @CsvSource({"1,1,1", "17,33,9", "256,256,256", "300,1000,200"})
    void acceptsCorrectProductsFromTheJavaRunner(int m, int k, int n) throws Exception {
        JobSpec spec = Jobs.matmul(m, k, n, ReferenceMath.randomFloats(m * k, 1), ReferenceMath.randomFloats(k * n, 2));
        CheckResult check = Freivalds.create().check(spec, runJava(spec).output());
        assertThat(check.passed()).as(check.detail()).isTrue();
        assertThat(check.detail()).contains("2^-20");
    }

    @Test
    void acceptsAHonestProductOfConstantMatricesWhoseRoundingErrorsDoNotCancel() throws Exception {
        int n = 512;
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        Arrays.fill(a, 0.1f);
        Arrays.fill(b, 1.3f);
        JobSpec spec = Jobs.matmul(n, a, b);
        // A naive sequential sum: the worst honest rounding a device would produce.
        float[] c = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < n; p++) {
                    s += a[i * n + p] * b[p * n + j];
                }
                c[i * n + j] = s;
            }
        }
        CheckResult check = Freivalds.create().check(Jobs.readMatmul(spec), c);
        assertThat(check.passed()).as(check.detail()).isTrue();
        assertThat(Freivalds.create().check(spec, runJava(spec).output()).passed()).isTrue();
    }

    @Test
    void rejectsAProductWithOneWrongElement() throws Exception {
        int n = 256;
        JobSpec spec = Jobs.matmul(n, ReferenceMath.randomFloats(n * n, 3), ReferenceMath.randomFloats(n * n, 4));
        float[] c = Jobs.readMatmulOutput(spec, runJava(spec).output());
        float delta = 0.01f * rms(c);
        Random where = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            float[] wrong = c.clone();
            int e = where.nextInt(wrong.length);
            wrong[e] += (trial % 2 == 0 ? delta : -delta);
            CheckResult check = Freivalds.builder().random(new Random(trial)).build().check(Jobs.readMatmul(spec), wrong);
            assertThat(check.passed()).as("C[%d][%d] off by 1%% of rms", e / n, e % n).isFalse();
            assertThat(check.detail()).contains("row " + e / n);
        }
    }

    @Test
    void passesTwoCancellingErrorsInOneRoundWithProbabilityOneHalfAndNeverInTwentyRounds() {
        int n = 64;
        float[] a = ReferenceMath.randomFloats(n * n, 5);
        float[] b = ReferenceMath.randomFloats(n * n, 6);
        double[] exact = ReferenceMath.matmulDouble(n, n, n, a, b);
        float[] wrong = new float[n * n];
        for (int i = 0; i < wrong.length; i++) {
            wrong[i] = (float) exact[i];
        }
        // d and -d in one row: (Dr)_i = d (r_j1 - r_j2) vanishes exactly when r_j1 = r_j2.
        wrong[10 * n + 3] += 1f;
        wrong[10 * n + 40] -= 1f;
        Jobs.MatmulInput in = new Jobs.MatmulInput(new Jobs.MatmulShape(n, n, n), a, b);
        int passedOneRound = 0;
        for (int seed = 0; seed < 400; seed++) {
            if (Freivalds.builder().rounds(1).random(new Random(seed)).build().check(in, wrong).passed()) {
                passedOneRound++;
            }
        }
        assertThat(passedOneRound).isBetween(150, 250);
        for (int seed = 0; seed < 200; seed++) {
            assertThat(Freivalds.builder().random(new Random(seed)).build().check(in, wrong).passed()).isFalse();
        }
        assertThat(Freivalds.create().errorProbabilityBound()).isLessThanOrEqualTo(Math.pow(2, -20));
    }

    @Test
    void rejectsAnOutputOfTheWrongLengthOrHoldingNaN() {
        JobSpec spec = Jobs.matmul(2, new float[] {1, 2, 3, 4}, new float[] {1, 0, 0, 1});
        assertThat(Freivalds.create().check(spec, new byte[12]).detail()).contains("output");
        byte[] nan = Jobs.floatBytes(new float[] {1, 2, Float.NaN, 4});
        assertThat(Freivalds.create().check(spec, nan).detail()).contains("not finite");
        assertThat(Freivalds.create().check(spec, Jobs.floatBytes(new float[] {1, 2, 3, 4})).passed()).isTrue();
    }

    @Test
    void rejectsAZeroProductForNonZeroInputs() {
        int n = 128;
        JobSpec spec = Jobs.matmul(n, ReferenceMath.randomFloats(n * n, 8), ReferenceMath.randomFloats(n * n, 9));
        assertThat(Freivalds.create().check(spec, new byte[4 * n * n]).passed()).isFalse();
    }
}
