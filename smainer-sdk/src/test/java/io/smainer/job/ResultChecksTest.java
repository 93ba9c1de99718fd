package io.smainer.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.crypto.Receipts;
import io.smainer.protocol.JobSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ResultChecksTest {
    @Test
    void acceptsExactKindsByHashAndRejectsAOneBitChange() throws Exception {
        List<JobSpec> specs = List.of(
                Jobs.saxpy(0.5f, ReferenceMath.randomFloats(5000, 1), ReferenceMath.randomFloats(5000, 2)),
                Jobs.reduceSum(ReferenceMath.randomFloats(100_000, 3)),
                Jobs.sha256Batch(ReferenceMath.awkwardMessages(4)));
        try (JavaJobRunner r = JavaJobRunner.create()) {
            for (JobSpec spec : specs) {
                byte[] out = r.submit(spec).get(30, TimeUnit.SECONDS).output();
                assertThat(ResultChecks.check(spec, out).passed()).as(spec.kind()).isTrue();
                byte[] flipped = out.clone();
                flipped[flipped.length - 1] ^= 1;
                CheckResult bad = ResultChecks.check(spec, flipped);
                assertThat(bad.passed()).as(spec.kind()).isFalse();
                assertThat(bad.detail()).contains("result_hash");
            }
        }
    }

    @Test
    void comparesTwoProvidersResultsByHash() {
        byte[] out = {1, 2, 3};
        assertThat(ResultChecks.sameHash(Receipts.resultHash(out), out).passed()).isTrue();
        assertThat(ResultChecks.sameHash(Receipts.resultHash(out), new byte[] {1, 2, 4}).passed()).isFalse();
    }

    @Test
    void picksFreivaldsForMatmulAndNothingForPtxKernels() {
        assertThat(ResultChecks.forKind(Jobs.MATMUL_F32)).get().isInstanceOf(Freivalds.class);
        assertThat(ResultChecks.forKind(Jobs.PTX_KERNEL)).isEmpty();
        assertThat(ResultChecks.check(JobSpec.of("custom-kind", Map.of(), new byte[0]), new byte[0]).passed())
                .isFalse();
    }
}
