package io.smainer.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import io.smainer.protocol.JobSpec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PtxKernelTest {
    private static final String PTX = ".version 8.0\n.target sm_75\n.address_size 64\n.visible .entry scale() { ret; }\n";

    @Test
    void roundTripsThroughASpec() {
        PtxKernel k = PtxKernel.builder(PTX, "scale").grid(4, 1, 1).block(256, 1, 1).sharedBytes(1024)
                .in(new byte[] {1, 2, 3, 4}).out(8).inOut(new byte[] {5, 6}).i32(-7).f32(0.1f).i64(1L << 40).f64(2.5)
                .build();
        JobSpec spec = k.toSpec(5000, 1 << 20);
        assertThat(spec.params()).containsEntry("args", "buf:0,buf:1,buf:2,i32:-7,f32:0.1,i64:1099511627776,f64:2.5")
                .containsEntry("buffers", "in:4,out:8,inout:2").containsEntry("grid", "4,1,1");
        PtxKernel back = PtxKernel.fromSpec(spec);
        assertThat(back).isEqualTo(k);
        assertThat(back.deviceBytes()).isEqualTo(14);
        assertThat(back.outputBytes()).isEqualTo(10);
        assertThat(back.readOutput(new byte[10])).hasSize(2);
    }

    @Test
    void refusesLaunchShapesAndArgumentsABadKernelCouldAbuse() {
        assertThatThrownBy(() -> PtxKernel.builder(PTX, "scale").block(1024, 2, 1).build())
                .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("params.block"));
        assertThatThrownBy(() -> PtxKernel.builder(PTX, "scale").sharedBytes(1 << 20).build())
                .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("params.shared_bytes"));
        assertThatThrownBy(() -> PtxKernel.builder(PTX, "bad name").build())
                .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("params.entry"));
        JobSpec ref = JobSpec.of(Jobs.PTX_KERNEL, Map.of("entry", "scale", "grid", "1,1,1", "block", "1,1,1",
                "shared_bytes", "0", "module_bytes", Integer.toString(PTX.length()), "args", "buf:3", "buffers", "out:4"),
                PTX.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> PtxKernel.fromSpec(ref))
                .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("params.args"));
        JobSpec shortPayload = JobSpec.of(Jobs.PTX_KERNEL, Map.of("entry", "scale", "grid", "1,1,1", "block", "1,1,1",
                "shared_bytes", "0", "module_bytes", Integer.toString(PTX.length()), "buffers", "in:400"),
                PTX.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> PtxKernel.fromSpec(shortPayload))
                .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("payload"));
    }
}
