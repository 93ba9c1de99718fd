#!/usr/bin/env bash
# Checks the CUDA kernels' logic on the CPU (no GPU needed): builds kernel_emu_test.cpp with g++
# against cuda_emu.h, runs it, and compares its SHA-256 digests with Python's hashlib.
# Usage: smainer-gpu/src/test/cuda/emulate.sh [build-dir]   (exit 0 when every kernel matches)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
g++ -std=c++17 -O2 -ffp-contract=off -pthread -w -x c++ "$here/kernel_emu_test.cpp" -o "$out/kernel_emu_test"
"$out/kernel_emu_test" | tee "$out/emu.txt"
python3 - "$out/emu.txt" <<'PY'
import hashlib, sys
bad = 0
for line in open(sys.argv[1]):
    if line.startswith("sha256 "):
        _, n, got = line.split()
        n = int(n)
        want = hashlib.sha256(bytes((i * 31 + n) & 0xff for i in range(n))).hexdigest()
        if got != want:
            bad += 1
            print(f"sha256 of {n} bytes: {got} expected {want}")
print("sha256 digests match hashlib" if bad == 0 else f"sha256: {bad} digests differ")
sys.exit(1 if bad else 0)
PY
