package io.smainer.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.job.JavaJobRunner;
import io.smainer.job.Jobs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class JobRunnersTest {
    @Test
    void picksTheGpuWhereOneWorksAndOtherwiseTheJavaRunnerSayingWhy() {
        JobRunners.Choice choice = JobRunners.best();
        try {
            System.out.println("runner choice: " + choice.reason());
            assertThat(choice.runner().kinds()).containsAll(Jobs.PORTABLE_KINDS);
            if (Gpu.discovery().isAvailable()) {
                assertThat(choice.gpu()).isTrue();
                assertThat(choice.runner()).isInstanceOf(CudaJobRunner.class);
                assertThat(choice.reason()).startsWith("GPU: ");
            } else {
                assertThat(choice.gpu()).isFalse();
                assertThat(choice.runner()).isInstanceOf(JavaJobRunner.class);
                assertThat(choice.reason()).startsWith("Java runner: no usable GPU: ")
                        .contains(Gpu.discovery().unavailableReason().orElseThrow());
            }
        } finally {
            choice.runner().close();
        }
    }

    @Test
    void buildingTheGpuRunnerWithoutAGpuFailsWithTheReason() {
        Assumptions.assumeFalse(Gpu.discovery().isAvailable(), "a GPU is present");
        assertThatThrownBy(() -> CudaJobRunner.builder().build()).isInstanceOf(GpuUnavailableException.class)
                .hasMessage(Gpu.discovery().unavailableReason().orElseThrow());
    }
}
