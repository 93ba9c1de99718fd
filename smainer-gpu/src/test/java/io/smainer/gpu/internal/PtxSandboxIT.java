package io.smainer.gpu.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.gpu.Gpu;
import io.smainer.job.JobException;
import io.smainer.job.PtxKernel;
import io.smainer.job.internal.RunContext;
import io.smainer.protocol.JobSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The sandbox's process handling, with real child processes; needs no GPU. */
class PtxSandboxIT {
    private static final String PTX = ".version 9.0\n.target sm_75\n.address_size 64\n.visible .entry k() { ret; }\n";

    private static JobSpec spec(long timeoutMillis) {
        return PtxKernel.builder(PTX, "k").out(16).build().toSpec(timeoutMillis, 0);
    }

    private static RunContext context(long millis) {
        return new RunContext("ptx-kernel", Clock.systemUTC(), Instant.now().plusMillis(millis), 1, null);
    }

    @Test
    void aChildJvmWithoutAGpuAnswersWithTheReasonAsTheMachinesFault() {
        Assumptions.assumeFalse(Gpu.discovery().isAvailable(), "a GPU is present");
        PtxSandbox sandbox = new PtxSandbox(PtxSandbox.currentJvm(), 0);
        assertThatThrownBy(() -> sandbox.run(spec(60_000), context(60_000)))
                .isInstanceOf(JobException.class)
                .hasMessageContaining("no usable GPU in the sandbox")
                .satisfies(e -> {
                    assertThat(((JobException) e).reason()).isEqualTo(JobException.Reason.FAILED);
                    assertThat(((JobException) e).retryable()).isTrue();
                });
    }

    @Test
    void killsAChildThatRunsPastTheDeadline() {
        // A stand-in child that never answers: bash ignores the extra arguments (the main class).
        PtxSandbox sandbox = new PtxSandbox(List.of("bash", "-c", "exec sleep 60", "sandbox"), 0);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> sandbox.run(spec(300), context(300)))
                .isInstanceOf(JobException.class)
                .satisfies(e -> assertThat(((JobException) e).reason()).isEqualTo(JobException.Reason.TIMED_OUT));
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(30_000);
    }

    @Test
    void aChildThatExitsWithoutAnAnswerIsAFailureWithItsStderr() {
        PtxSandbox sandbox = new PtxSandbox(List.of("bash", "-c", "echo 'boom: no java here' >&2; exit 3", "sandbox"), 0);
        assertThatThrownBy(() -> sandbox.run(spec(60_000), context(60_000)))
                .isInstanceOf(JobException.class)
                .hasMessageContaining("exited with 3")
                .hasMessageContaining("boom: no java here");
    }
}
