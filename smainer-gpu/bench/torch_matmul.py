#!/usr/bin/env python3
"""torch.matmul in fp32 (TF32 off) on the GPU, to set beside RunnerBenchmark's GPU table.

Run on the same GPU machine:  python3 smainer-gpu/bench/torch_matmul.py [--sizes 256,...,8192] [--reps 10]
Prints a Markdown table: n, best kernel time (CUDA events), GFLOP/s = 2 n^3 / time.
"""
import argparse

import torch


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="256,512,1024,2048,4096,8192")
    p.add_argument("--reps", type=int, default=10)
    args = p.parse_args()

    # Plain fp32: no TF32 tensor-core shortcut, so the comparison with an FFMA kernel is fair.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")

    dev = torch.device("cuda")
    print(f"torch {torch.__version__}, CUDA {torch.version.cuda}, {torch.cuda.get_device_name(dev)}")
    print("TF32 allowed:", torch.backends.cuda.matmul.allow_tf32)
    print()
    print("| n | torch.matmul ms | GFLOP/s |")
    print("|---|---|---|")
    for n in [int(s) for s in args.sizes.split(",")]:
        a = torch.rand(n, n, device=dev, dtype=torch.float32) * 2 - 1
        b = torch.rand(n, n, device=dev, dtype=torch.float32) * 2 - 1
        for _ in range(3):
            torch.matmul(a, b)
        torch.cuda.synchronize()
        best = float("inf")
        for _ in range(args.reps):
            start = torch.cuda.Event(enable_timing=True)
            stop = torch.cuda.Event(enable_timing=True)
            start.record()
            torch.matmul(a, b)
            stop.record()
            stop.synchronize()
            best = min(best, start.elapsed_time(stop))
        print(f"| {n} | {best:.3f} | {2 * n ** 3 / best / 1e6:.1f} |")


if __name__ == "__main__":
    main()
