// sha256-batch for the smainer CUDA runner: one thread hashes one message (FIPS 180-4).
//
// The payload is uploaded as it came (a 4-byte length before each message); the host passes where
// each message starts and how long it is. Digests are written as 32 bytes, big-endian words, in order.

__constant__ unsigned int K256[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u};

__device__ __forceinline__ unsigned int rotr(unsigned int x, int n) {
    return (x >> n) | (x << (32 - n));
}

__device__ void sha256_block(unsigned int h[8], const unsigned int w0[16]) {
    unsigned int w[64];
#pragma unroll
    for (int i = 0; i < 16; ++i) w[i] = w0[i];
#pragma unroll
    for (int i = 16; i < 64; ++i) {
        unsigned int s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        unsigned int s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    unsigned int a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
#pragma unroll
    for (int i = 0; i < 64; ++i) {
        unsigned int S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        unsigned int ch = (e & f) ^ (~e & g);
        unsigned int t1 = hh + S1 + ch + K256[i] + w[i];
        unsigned int S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        unsigned int mj = (a & b) ^ (a & c) ^ (b & c);
        unsigned int t2 = S0 + mj;
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

// grid ceil(count / block), any block size.
extern "C" __global__ void sha256_batch(int count, const unsigned char* __restrict__ data,
                                        const unsigned long long* __restrict__ offsets,
                                        const unsigned int* __restrict__ lengths, unsigned char* __restrict__ out) {
    const int idx = blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= count) {
        return;
    }
    const unsigned char* msg = data + offsets[idx];
    const unsigned long long len = lengths[idx];
    unsigned int h[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                         0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
    unsigned int w[16];
    // Whole blocks of the message.
    unsigned long long pos = 0;
    for (; pos + 64 <= len; pos += 64) {
#pragma unroll
        for (int i = 0; i < 16; ++i) {
            const unsigned char* p = msg + pos + 4 * i;
            w[i] = ((unsigned int)p[0] << 24) | ((unsigned int)p[1] << 16) | ((unsigned int)p[2] << 8) | p[3];
        }
        sha256_block(h, w);
    }
    // The tail, the 0x80 byte, zeros and the 64-bit bit length: one or two more blocks.
    const unsigned int rest = (unsigned int)(len - pos);
    const unsigned int tailBlocks = (rest + 9 <= 64) ? 1 : 2;
    const unsigned long long bits = len * 8ull;
    for (unsigned int blk = 0; blk < tailBlocks; ++blk) {
        for (int i = 0; i < 16; ++i) {
            unsigned int word = 0;
            for (int j = 0; j < 4; ++j) {
                const unsigned int at = blk * 64 + 4 * i + j;   // byte index within the tail
                unsigned int byte;
                if (at < rest) {
                    byte = msg[pos + at];
                } else if (at == rest) {
                    byte = 0x80u;
                } else if (at >= tailBlocks * 64 - 8) {
                    byte = (unsigned int)(bits >> (8 * (tailBlocks * 64 - 1 - at))) & 0xffu;
                } else {
                    byte = 0;
                }
                word = (word << 8) | byte;
            }
            w[i] = word;
        }
        sha256_block(h, w);
    }
    unsigned char* o = out + (size_t)idx * 32;
#pragma unroll
    for (int i = 0; i < 8; ++i) {
        o[4 * i + 0] = (unsigned char)(h[i] >> 24);
        o[4 * i + 1] = (unsigned char)(h[i] >> 16);
        o[4 * i + 2] = (unsigned char)(h[i] >> 8);
        o[4 * i + 3] = (unsigned char)h[i];
    }
}
