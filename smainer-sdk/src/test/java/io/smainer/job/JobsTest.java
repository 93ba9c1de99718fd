package io.smainer.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import io.smainer.protocol.JobSpec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobsTest {
    @Test
    void encodesMatricesAsLittleEndianFloatsAndReadsThemBack() {
        JobSpec spec = Jobs.matmul(1, 2, 3, new float[] {1, 2}, new float[] {1, 2, 3, 4, 5, 6});
        assertThat(spec.kind()).isEqualTo("matmul-f32");
        assertThat(spec.params()).containsEntry("m", "1").containsEntry("k", "2").containsEntry("n", "3");
        assertThat(spec.payload()).hasSize(32);
        assertThat(spec.payload()[0]).isZero();
        assertThat(spec.payload()[3]).isEqualTo((byte) 0x3f);    // 1.0f = 0x3f800000, little-endian
        Jobs.MatmulInput in = Jobs.readMatmul(spec);
        assertThat(in.a()).containsExactly(1, 2);
        assertThat(in.b()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(in.shape().flops()).isEqualTo(12.0);
    }

    @Test
    void namesTheBadFieldOfAMatmulSpec() {
        assertThatThrownBy(() -> Jobs.matmul(2, new float[3], new float[4])).isInstanceOf(InvalidFieldException.class)
                .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("a"));
        assertThatThrownBy(() -> Jobs.matmulShape(JobSpec.of("matmul-f32", Map.of("m", "0", "k", "1", "n", "1"), new byte[0])))
                .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("params.m"));
        assertThatThrownBy(() -> Jobs.matmulShape(JobSpec.of("matmul-f32", Map.of("m", "x", "k", "1", "n", "1"), new byte[0])))
                .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("params.m"));
        assertThatThrownBy(() -> Jobs.matmulShape(JobSpec.of("matmul-f32", Map.of("m", "2", "k", "2", "n", "2"), new byte[31])))
                .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("payload"))
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> new Jobs.MatmulShape(65_536, 65_536, 65_536))
                .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("payload"));
        assertThatThrownBy(() -> new Jobs.MatmulShape(65_536, 1, 65_536))
                .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("params.n"))
                .hasMessageContaining("output C");
        assertThatThrownBy(() -> Jobs.matmulShape(Jobs.saxpy(1, new float[0], new float[0])))
                .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("kind"));
    }

    @Test
    void roundTripsSaxpyWithAnExactScalar() {
        float a = 0.1f + Math.ulp(0.1f);
        JobSpec spec = Jobs.saxpy(a, new float[] {1, 2}, new float[] {3, 4});
        Jobs.SaxpyInput in = Jobs.readSaxpy(spec);
        assertThat(Float.floatToRawIntBits(in.a())).isEqualTo(Float.floatToRawIntBits(a));
        assertThat(in.y()).containsExactly(3, 4);
        assertThatThrownBy(() -> Jobs.saxpy(1, new float[2], new float[3]))
                .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("y"));
        assertThatThrownBy(() -> Jobs.readSaxpy(JobSpec.of("saxpy-f32", Map.of("n", "1", "a", "pi"), new byte[8])))
                .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("params.a"));
    }

    @Test
    void framesMessagesWithLengthsAndRejectsBadFraming() {
        List<byte[]> msgs = List.of("abc".getBytes(StandardCharsets.UTF_8), new byte[0], new byte[] {9});
        JobSpec spec = Jobs.sha256Batch(msgs);
        assertThat(spec.payload()).hasSize(4 + 3 + 4 + 4 + 1);
        assertThat(Jobs.readSha256Batch(spec)).containsExactlyElementsOf(msgs);
        JobSpec truncated = JobSpec.of("sha256-batch", Map.of("count", "3"), Arrays.copyOf(spec.payload(), 15));
        assertThatThrownBy(() -> Jobs.sha256Layout(truncated)).hasMessageContaining("payload").hasMessageContaining("message 2");
        JobSpec extra = JobSpec.of("sha256-batch", Map.of("count", "2"), spec.payload());
        assertThatThrownBy(() -> Jobs.sha256Layout(extra)).hasMessageContaining("after the last one");
        JobSpec huge = JobSpec.of("sha256-batch", Map.of("count", "1"), new byte[] {-1, -1, -1, 127});
        assertThatThrownBy(() -> Jobs.sha256Layout(huge)).hasMessageContaining("message 0");
    }

    @Test
    void readsSumAndDigestOutputsOnlyAtTheirExactLength() {
        assertThat(Jobs.readReduceSumOutput(Jobs.floatBytes(new float[] {2.5f}))).isEqualTo(2.5f);
        assertThatThrownBy(() -> Jobs.readReduceSumOutput(new byte[8])).hasMessageContaining("4 bytes");
        JobSpec spec = Jobs.sha256Batch(List.of(new byte[1], new byte[2]));
        assertThat(Jobs.readSha256BatchOutput(spec, new byte[64])).hasSize(2);
        assertThatThrownBy(() -> Jobs.readSha256BatchOutput(spec, new byte[63])).hasMessageContaining("64 bytes");
    }
}
