// A tiny CPU stand-in for the CUDA execution model, to check the kernels' indexing, padding and
// synchronisation logic on a machine without a GPU. Each launch runs one block at a time on as many
// OS threads as the block has; __syncthreads() is a barrier among them; __shared__ variables are
// function statics (one block at a time, so they behave as shared memory). It checks logic, not speed,
// and not what only hardware shows (alignment faults, resource limits, the PTX JIT).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <pthread.h>
#include <thread>
#include <vector>

struct dim3 {
    unsigned int x = 1, y = 1, z = 1;
    dim3() = default;
    dim3(unsigned int a, unsigned int b = 1, unsigned int c = 1) : x(a), y(b), z(c) {}
};
struct alignas(16) float4 {
    float x, y, z, w;
};
inline float4 make_float4(float a, float b, float c, float d) { return float4{a, b, c, d}; }

extern thread_local dim3 threadIdx, blockIdx;
extern dim3 blockDim, gridDim;
extern pthread_barrier_t emu_barrier;

#define __global__
#define __device__
#define __forceinline__ inline
#define __constant__
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))
#define __launch_bounds__(...)
inline void __syncthreads() { pthread_barrier_wait(&emu_barrier); }
inline float __fmaf_rn(float a, float b, float c) { return std::fma(a, b, c); }
inline float __fadd_rn(float a, float b) { volatile float r = a + b; return r; }
using std::fmaf;

template <typename F>
void emu_launch(dim3 grid, dim3 block, F kernel) {
    const unsigned int n = block.x * block.y * block.z;
    pthread_barrier_init(&emu_barrier, nullptr, n);
    blockDim = block;
    gridDim = grid;
    std::vector<std::thread> threads;
    for (unsigned int t = 0; t < n; ++t) {
        threads.emplace_back([=]() {
            threadIdx = dim3(t % block.x, (t / block.x) % block.y, t / (block.x * block.y));
            for (unsigned int bz = 0; bz < grid.z; ++bz)
                for (unsigned int by = 0; by < grid.y; ++by)
                    for (unsigned int bx = 0; bx < grid.x; ++bx) {
                        blockIdx = dim3(bx, by, bz);
                        kernel();
                        pthread_barrier_wait(&emu_barrier);   // the block is done before the next reuses statics
                    }
        });
    }
    for (auto& th : threads) th.join();
    pthread_barrier_destroy(&emu_barrier);
}
