package io.smainer.gpu.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MatmulPlanTest {
    @Test
    void padsToWhatTheKernelsNeedAndPicksTheBigTileOnlyWhenItFillsTheGpu() {
        MatmulPlan p = MatmulPlan.of(130, 70, 257, 132);
        assertThat(p.mp()).isEqualTo(256);
        assertThat(p.np()).isEqualTo(384);
        assertThat(p.kp()).isEqualTo(72);
        assertThat(p.padded()).isTrue();
        assertThat(p.tile()).isEqualTo(64);
        assertThat(p.kernel()).isEqualTo("sgemm_64x64");
        assertThat(p.gridX()).isEqualTo(6);
        assertThat(p.gridY()).isEqualTo(4);
        assertThat(p.blockThreads()).isEqualTo(64);

        MatmulPlan big = MatmulPlan.of(4096, 4096, 4096, 132);
        assertThat(big.padded()).isFalse();
        assertThat(big.tile()).isEqualTo(128);
        assertThat(big.gridX() * big.gridY()).isEqualTo(1024);
        assertThat(big.blockThreads()).isEqualTo(256);
        assertThat(big.deviceBytes()).isEqualTo(3L * 4 * 4096 * 4096);

        assertThat(MatmulPlan.of(1536, 1536, 1536, 132).tile()).isEqualTo(128);   // 144 tiles >= 132 SMs
        assertThat(MatmulPlan.of(1024, 1024, 1024, 132).tile()).isEqualTo(64);    // 64 tiles would idle half the GPU
        assertThat(MatmulPlan.of(1, 1, 1, 132).deviceBytes()).isEqualTo(4L * (128 * 8 + 8 * 128 + 128 * 128));
    }
}
