// Runs the smainer kernels (../../main/cuda/*.cu) under cuda_emu.h and checks them against plain C++
// references: sgemm bit-for-bit against a sequential fmaf loop (each thread accumulates k in order),
// saxpy against fmaf, reduce-sum against the fixed order Jobs.reduceSum defines, and sha256 by printing
// digests that emulate.sh compares with Python's hashlib. Exit code 0 when everything matches.
#include "cuda_emu.h"
#include <cstdio>
#include <cstdlib>
#include <random>

thread_local dim3 threadIdx, blockIdx;
dim3 blockDim, gridDim;
pthread_barrier_t emu_barrier;

#include "../../main/cuda/sgemm.cu"
#include "../../main/cuda/vector.cu"
#include "../../main/cuda/sha256.cu"

static int failures = 0;
#define CHECK(cond, ...) do { if (!(cond)) { std::fprintf(stderr, __VA_ARGS__); std::fprintf(stderr, "\n"); ++failures; } } while (0)

static std::vector<float> randoms(size_t n, unsigned seed) {
    std::mt19937 g(seed);
    std::uniform_real_distribution<float> d(-1.f, 1.f);
    std::vector<float> v(n);
    for (auto& x : v) x = d(g);
    return v;
}

static void test_sgemm(int tile, int M, int N, int K) {
    auto A = randoms((size_t)M * K, 1), B = randoms((size_t)K * N, 2);
    std::vector<float> C((size_t)M * N, -7.f);
    dim3 grid(N / tile, M / tile), block(tile == 128 ? 256 : 64);
    if (tile == 128) emu_launch(grid, block, [&] { sgemm_128x128(M, N, K, A.data(), B.data(), C.data()); });
    else emu_launch(grid, block, [&] { sgemm_64x64(M, N, K, A.data(), B.data(), C.data()); });
    int bad = 0;
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) {
            float s = 0.f;
            for (int p = 0; p < K; ++p) s = std::fma(A[(size_t)i * K + p], B[(size_t)p * N + j], s);
            if (std::memcmp(&s, &C[(size_t)i * N + j], 4) != 0 && bad++ < 5)
                std::fprintf(stderr, "sgemm_%d M=%d N=%d K=%d C[%d][%d]=%g expected %g\n", tile, M, N, K, i, j,
                             C[(size_t)i * N + j], s);
        }
    CHECK(bad == 0, "sgemm_%dx%d: %d elements differ", tile, tile, bad);
    std::printf("sgemm_%dx%d M=%d N=%d K=%d: %s\n", tile, tile, M, N, K, bad ? "FAIL" : "bit-exact");
}

static void test_saxpy(long long n) {
    auto x = randoms(n, 3), y = randoms(n, 4);
    std::vector<float> out(n);
    emu_launch(dim3(3), dim3(32), [&] { saxpy_f32(n, 1.37f, x.data(), y.data(), out.data()); });
    int bad = 0;
    for (long long i = 0; i < n; ++i) {
        float e = std::fma(1.37f, x[i], y[i]);
        bad += std::memcmp(&e, &out[i], 4) != 0;
    }
    CHECK(bad == 0, "saxpy n=%lld: %d differ", n, bad);
    std::printf("saxpy n=%lld: %s\n", n, bad ? "FAIL" : "bit-exact");
}

static float fixed_order(std::vector<float> v) {
    if (v.empty()) return 0.f;
    while (v.size() > 1) {
        size_t chunks = (v.size() + 1023) / 1024;
        std::vector<float> next(chunks);
        for (size_t c = 0; c < chunks; ++c) {
            float s[1024];
            for (int i = 0; i < 1024; ++i) s[i] = c * 1024 + i < v.size() ? v[c * 1024 + i] : 0.f;
            for (int st = 512; st > 0; st >>= 1)
                for (int i = 0; i < st; ++i) { volatile float r = s[i] + s[i + st]; s[i] = r; }
            next[c] = s[0];
        }
        v.swap(next);
    }
    return v[0];
}

static void test_reduce(long long n) {
    auto x = randoms(n, 5);
    for (long long i = 0; i < n; i += 7) x[i] *= 1000.f;
    // The host loop of CudaHandlers: rounds until one value is left.
    std::vector<float> cur = x;
    long long len = n;
    while (len > 1) {
        long long blocks = (len + 1023) / 1024;
        std::vector<float> next(blocks);
        emu_launch(dim3(blocks), dim3(512), [&] { reduce_sum_chunks(len, cur.data(), next.data()); });
        cur.swap(next);
        len = blocks;
    }
    float got = n == 0 ? 0.f : cur[0];
    float want = fixed_order(x);
    CHECK(std::memcmp(&got, &want, 4) == 0, "reduce n=%lld: %.9g expected %.9g", n, got, want);
    std::printf("reduce n=%lld: %s\n", n, std::memcmp(&got, &want, 4) == 0 ? "bit-exact" : "FAIL");
}

static void print_sha256() {
    // Messages: length L, bytes (i * 31 + L) & 0xff. Framed as in Jobs.sha256Batch (uint32 LE length).
    const unsigned lens[] = {0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4096};
    const int count = sizeof(lens) / sizeof(lens[0]);
    std::vector<unsigned char> payload;
    std::vector<unsigned long long> offsets;
    std::vector<unsigned int> lengths;
    for (unsigned L : lens) {
        for (int b = 0; b < 4; ++b) payload.push_back((L >> (8 * b)) & 0xff);
        offsets.push_back(payload.size());
        lengths.push_back(L);
        for (unsigned i = 0; i < L; ++i) payload.push_back((i * 31 + L) & 0xff);
    }
    std::vector<unsigned char> out(32 * count);
    emu_launch(dim3((count + 7) / 8), dim3(8),
               [&] { sha256_batch(count, payload.data(), offsets.data(), lengths.data(), out.data()); });
    for (int m = 0; m < count; ++m) {
        std::printf("sha256 %u ", lens[m]);
        for (int i = 0; i < 32; ++i) std::printf("%02x", out[32 * m + i]);
        std::printf("\n");
    }
}

int main() {
    test_sgemm(128, 128, 128, 8);
    test_sgemm(128, 256, 384, 72);
    test_sgemm(64, 64, 64, 8);
    test_sgemm(64, 192, 128, 264);
    test_saxpy(0);
    test_saxpy(1);
    test_saxpy(1000);
    for (long long n : {0LL, 1LL, 2LL, 1023LL, 1024LL, 1025LL, 70000LL}) test_reduce(n);
    print_sha256();
    std::printf(failures ? "FAILED: %d\n" : "all kernels match\n", failures);
    return failures ? 1 : 0;
}
