package io.smainer.relayer.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.job.CheckResult;
import io.smainer.job.Jobs;
import io.smainer.protocol.JobSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultCheckersTest {
    static final ResultChecker NON_EMPTY = ResultCheckers.adapt("my-kind",
            (spec, output) -> output.length > 0 ? CheckResult.pass("non-empty") : CheckResult.fail("empty"));

    @Test
    void aCheckerOfYourOwnAddsToTheStandardOnes() {
        ResultCheckers checkers = ResultCheckers.standard().with(NON_EMPTY);
        assertThat(checkers.forKind(Jobs.MATMUL_F32)).isPresent();
        assertThat(checkers.forKind("my-kind")).containsSame(NON_EMPTY);
        assertThat(checkers.forKind("other")).isEmpty();
        JobSpec job = JobSpec.of("my-kind", Map.of(), new byte[] {1});
        checkers.forKind("my-kind").orElseThrow().check(job, new byte[] {1});
        assertThatThrownBy(() -> checkers.forKind("my-kind").orElseThrow().check(job, new byte[0]))
                .isInstanceOf(ReceiptRejectedException.class).hasMessageContaining("my-kind check failed: empty");
        // the standard registry is unchanged
        assertThat(ResultCheckers.standard().forKind("my-kind")).isEmpty();
    }

    @Test
    void aKindGetsOneChecker() {
        assertThatThrownBy(() -> ResultCheckers.standard().with(ResultCheckers.adapt(Jobs.MATMUL_F32,
                (spec, output) -> CheckResult.pass("any")))).hasMessageContaining("two result checkers for kind matmul-f32");
    }
}
