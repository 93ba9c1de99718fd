#!/usr/bin/env bash
# Turns the CUDA kernels in src/main/cuda/*.cu into PTX resources that CudaJobRunner loads at run time
# (the driver JIT-compiles PTX for whatever GPU it finds). Run it after editing a kernel and commit the
# .ptx files: the Maven build does not need nvcc.
#
#   smainer-gpu/build-ptx.sh            regenerate src/main/resources/io/smainer/gpu/kernels/*.ptx
#   smainer-gpu/build-ptx.sh --check    regenerate into a temp dir and fail if the committed PTX differs
#   smainer-gpu/build-ptx.sh --report   also print registers / spills / shared memory per kernel (sm_90)
#
# Target: compute_75 (Turing and newer: T4, A100, L4, H100, H200...), the lowest nvcc 13 accepts.
# nvcc 13 writes PTX ISA 9.0, which needs a driver of the CUDA 13 generation (>= 580) to JIT.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/src/main/cuda"
dest="$here/src/main/resources/io/smainer/gpu/kernels"
test_src="$here/src/test/cuda"
test_dest="$here/src/test/resources/io/smainer/gpu"
arch="${PTX_ARCH:-compute_75}"
nvcc="${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
mode="${1:-}"

status=0
build() {   # build <dir of .cu> <dir for .ptx>
    local from="$1" to="$2" out="$2"
    if [[ "$mode" == "--check" ]]; then
        out="$(mktemp -d)"
    fi
    mkdir -p "$out"
    for cu in "$from"/*.cu; do
        name="$(basename "$cu" .cu)"
        "$nvcc" -ptx -arch="$arch" -O3 -std=c++17 "$cu" -o "$out/$name.ptx"
        if [[ "$mode" == "--report" ]]; then
            "$nvcc" -cubin -arch=sm_90 -O3 -std=c++17 -Xptxas -v "$cu" -o /dev/null 2>&1 | grep -E 'Compiling|registers|spill'
        fi
        if [[ "$mode" == "--check" ]] && ! diff -q "$out/$name.ptx" "$to/$name.ptx" >/dev/null 2>&1; then
            echo "stale: $to/$name.ptx differs from what $(basename "$nvcc") makes of $cu" >&2
            status=1
        fi
    done
    if [[ "$mode" == "--check" ]]; then
        rm -rf "$out"
    else
        echo "PTX ($arch) written to $to:"
        ls -l "$to"
    fi
}
build "$src" "$dest"
build "$test_src" "$test_dest"
exit $status
