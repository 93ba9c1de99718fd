// Single-precision matrix product C = A*B for the smainer CUDA runner (matmul-f32).
//
// A is M x K, B is K x N, C is M x N, all row-major and densely packed. The host pads every matrix
// with zeros so that M and N are multiples of 128 and K a multiple of 8 (zero rows and columns do not
// change the product); the kernels therefore have no bounds checks and use 16-byte vector loads.
//
// Structure (the classic register-blocked SGEMM):
//   * a block computes a BM x BN tile of C, walking K in steps of BK = 8;
//   * each step, the A tile (stored transposed, As[k][m]) and the B tile are staged in shared memory,
//     double-buffered so that the loads for step t+1 are in flight while step t computes, with one
//     __syncthreads() per step;
//   * each thread owns an 8 x 8 block of C in registers: per k it reads 8 values of A and 8 of B from
//     shared memory (four 16-byte loads) and does 64 FMAs;
//   * a thread's 8 rows are two groups of 4, BM/2 apart, and likewise its 8 columns BN/2 apart, so that
//     the 16-byte shared loads of a warp fall on consecutive addresses (no bank conflicts).
// Two tile sizes: 128 x 128 (256 threads) for large products, 64 x 64 (64 threads) when the 128 tiles
// would not fill the GPU.

#define BK 8

template <int BM, int BN>
__device__ __forceinline__ void sgemm_tile(int M, int N, int K, const float* __restrict__ A,
                                           const float* __restrict__ B, float* __restrict__ C) {
    constexpr int TM = 8;
    constexpr int TN = 8;
    constexpr int THREADS = (BM / TM) * (BN / TN);
    constexpr int A_VEC = BM * BK / 4;   // float4 loads per A tile
    constexpr int B_VEC = BK * BN / 4;   // float4 loads per B tile
    constexpr int A_PER = (A_VEC + THREADS - 1) / THREADS;
    constexpr int B_PER = (B_VEC + THREADS - 1) / THREADS;

    __shared__ __align__(16) float As[2][BK][BM];
    __shared__ __align__(16) float Bs[2][BK][BN];

    const int tid = threadIdx.x;
    const int tRow = tid / (BN / TN);
    const int tCol = tid % (BN / TN);

    const float* Ablk = A + (size_t)blockIdx.y * BM * K;
    const float* Bblk = B + (size_t)blockIdx.x * BN;
    float* Cblk = C + (size_t)blockIdx.y * BM * N + (size_t)blockIdx.x * BN;

    float acc[TM][TN];
#pragma unroll
    for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] = 0.0f;

    float4 aReg[A_PER];
    float4 bReg[B_PER];

    // Global -> registers for the tile starting at column k0 of A and row k0 of B.
#define LOAD_TILE(k0)                                                                       \
    _Pragma("unroll") for (int l = 0; l < A_PER; ++l) {                                     \
        int v = tid + l * THREADS;                                                          \
        if (v < A_VEC) {                                                                    \
            int r = v / (BK / 4), c = (v % (BK / 4)) * 4;                                   \
            aReg[l] = *reinterpret_cast<const float4*>(Ablk + (size_t)r * K + (k0) + c);    \
        }                                                                                   \
    }                                                                                       \
    _Pragma("unroll") for (int l = 0; l < B_PER; ++l) {                                     \
        int v = tid + l * THREADS;                                                          \
        if (v < B_VEC) {                                                                    \
            int r = v / (BN / 4), c = (v % (BN / 4)) * 4;                                   \
            bReg[l] = *reinterpret_cast<const float4*>(Bblk + (size_t)((k0) + r) * N + c);  \
        }                                                                                   \
    }

    // Registers -> shared buffer `buf` (A transposed).
#define STORE_TILE(buf)                                                                     \
    _Pragma("unroll") for (int l = 0; l < A_PER; ++l) {                                     \
        int v = tid + l * THREADS;                                                          \
        if (v < A_VEC) {                                                                    \
            int r = v / (BK / 4), c = (v % (BK / 4)) * 4;                                   \
            As[buf][c + 0][r] = aReg[l].x;                                                  \
            As[buf][c + 1][r] = aReg[l].y;                                                  \
            As[buf][c + 2][r] = aReg[l].z;                                                  \
            As[buf][c + 3][r] = aReg[l].w;                                                  \
        }                                                                                   \
    }                                                                                       \
    _Pragma("unroll") for (int l = 0; l < B_PER; ++l) {                                     \
        int v = tid + l * THREADS;                                                          \
        if (v < B_VEC) {                                                                    \
            int r = v / (BN / 4), c = (v % (BN / 4)) * 4;                                   \
            *reinterpret_cast<float4*>(&Bs[buf][r][c]) = bReg[l];                           \
        }                                                                                   \
    }

    LOAD_TILE(0)
    STORE_TILE(0)
    __syncthreads();

    int buf = 0;
    for (int k0 = 0; k0 < K; k0 += BK) {
        const bool more = k0 + BK < K;
        if (more) {
            LOAD_TILE(k0 + BK)
        }
#pragma unroll
        for (int kk = 0; kk < BK; ++kk) {
            float a[TM];
            float b[TN];
            float4 a0 = *reinterpret_cast<const float4*>(&As[buf][kk][tRow * 4]);
            float4 a1 = *reinterpret_cast<const float4*>(&As[buf][kk][BM / 2 + tRow * 4]);
            float4 b0 = *reinterpret_cast<const float4*>(&Bs[buf][kk][tCol * 4]);
            float4 b1 = *reinterpret_cast<const float4*>(&Bs[buf][kk][BN / 2 + tCol * 4]);
            a[0] = a0.x; a[1] = a0.y; a[2] = a0.z; a[3] = a0.w;
            a[4] = a1.x; a[5] = a1.y; a[6] = a1.z; a[7] = a1.w;
            b[0] = b0.x; b[1] = b0.y; b[2] = b0.z; b[3] = b0.w;
            b[4] = b1.x; b[5] = b1.y; b[6] = b1.z; b[7] = b1.w;
#pragma unroll
            for (int i = 0; i < TM; ++i)
#pragma unroll
                for (int j = 0; j < TN; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
        }
        if (more) {
            STORE_TILE(buf ^ 1)
        }
        __syncthreads();
        buf ^= 1;
    }
#undef LOAD_TILE
#undef STORE_TILE

#pragma unroll
    for (int i = 0; i < TM; ++i) {
        const int row = (i < 4) ? tRow * 4 + i : BM / 2 + tRow * 4 + (i - 4);
        float* cRow = Cblk + (size_t)row * N;
        *reinterpret_cast<float4*>(cRow + tCol * 4) = make_float4(acc[i][0], acc[i][1], acc[i][2], acc[i][3]);
        *reinterpret_cast<float4*>(cRow + BN / 2 + tCol * 4) = make_float4(acc[i][4], acc[i][5], acc[i][6], acc[i][7]);
    }
}

// grid (N/128, M/128), block 256; M, N multiples of 128, K a multiple of 8.
extern "C" __global__ void __launch_bounds__(256)
sgemm_128x128(int M, int N, int K, const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C) {
    sgemm_tile<128, 128>(M, N, K, A, B, C);
}

// grid (N/64, M/64), block 64; M, N multiples of 64, K a multiple of 8.
extern "C" __global__ void __launch_bounds__(64)
sgemm_64x64(int M, int N, int K, const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C) {
    sgemm_tile<64, 64>(M, N, K, A, B, C);
}
