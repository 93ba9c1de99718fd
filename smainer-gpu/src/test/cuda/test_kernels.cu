// Demander-style kernels for the ptx-kernel tests (GPU only): one that works, one that never ends,
// one that writes far outside its buffer. Built into src/test/resources by build-ptx.sh.

extern "C" __global__ void vec_add(int n, const float* a, const float* b, float* c) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) c[i] = a[i] + b[i];
}

extern "C" __global__ void spin_forever(int* flag) {
    volatile int* f = flag;
    while (f[0] == 0) {
    }
}

extern "C" __global__ void scribble(float* out) {
    out[(size_t)1 << 40] = 1.0f;
}
