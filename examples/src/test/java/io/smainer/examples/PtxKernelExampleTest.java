package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobException;
import io.smainer.job.PtxKernel;
import io.smainer.protocol.JobSpec;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The example's spec, without a GPU: its wire form, and the Java runner's refusal of the kind. */
class PtxKernelExampleTest {
    private final PtxKernel kernel = PtxKernelExample.vectorAdd(new float[] {1, 2, 3}, new float[] {4, 5, 6});

    @Test
    void theVectorAddSpecNamesItsBuffersAndArgumentsAndRoundTrips() {
        JobSpec spec = kernel.toSpec(60_000, 0);
        assertThat(spec.kind()).isEqualTo("ptx-kernel");
        assertThat(spec.params()).containsEntry("entry", "vector_add").containsEntry("grid", "1,1,1")
                .containsEntry("block", "256,1,1").containsEntry("buffers", "in:12,in:12,out:12")
                .containsEntry("args", "buf:0,buf:1,buf:2,i32:3");
        assertThat(PtxKernel.fromSpec(spec)).isEqualTo(kernel);
        assertThat(kernel.outputBytes()).isEqualTo(12);
    }

    @Test
    void theJavaRunnerRefusesTheKindAsTheExampleSays() {
        try (JavaJobRunner java = JavaJobRunner.create()) {
            assertThatThrownBy(() -> java.submit(kernel.toSpec(60_000, 0)).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(JobException.class)
                    .hasMessageContaining("does not run this kind");
        }
    }
}
