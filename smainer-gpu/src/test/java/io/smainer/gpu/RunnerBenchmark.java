package io.smainer.gpu;

import io.smainer.job.CheckResult;
import io.smainer.job.Freivalds;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobResult;
import io.smainer.job.JobRunner;
import io.smainer.job.Jobs;
import io.smainer.job.ReferenceMath;
import io.smainer.protocol.JobSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Prints matmul-f32 throughput as Markdown tables: the Java runner for n = 256..2048 and, where a GPU
 * works, the CUDA runner for n = 256..8192 plus the launch overhead of an empty kernel. Run it with
 * {@code smainer-gpu/bench/run-bench.sh}; compare with {@code bench/torch_matmul.py} on the same GPU.
 *
 * <p>GFLOP/s = 2 n^3 / time. "Compute" is the runner's {@link JobResult#ran()}: the handler's time
 * for Java (decode, multiply, encode), CUDA-event kernel time for the GPU. "End to end" is submit to
 * result, including copies to and from the device. Each figure is the best of {@code --reps} runs
 * after one warm-up run.
 *
 * <p>Options: {@code --java 256,512,1024,2048} {@code --gpu 256,...,8192} {@code --reps 5}
 * {@code --no-java} {@code --no-gpu} {@code --freivalds} (also time the check of each Java result).
 */
public final class RunnerBenchmark {
    private RunnerBenchmark() {
    }

    /**
     * @param args options, see the class comment
     * @throws Exception when a run fails
     */
    public static void main(String[] args) throws Exception {
        List<Integer> javaSizes = List.of(256, 512, 1024, 2048);
        List<Integer> gpuSizes = List.of(256, 512, 1024, 2048, 4096, 8192);
        int reps = 5;
        boolean runJava = true;
        boolean runGpu = true;
        boolean freivalds = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--java" -> javaSizes = sizes(args[++i]);
                case "--gpu" -> gpuSizes = sizes(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--no-java" -> runJava = false;
                case "--no-gpu" -> runGpu = false;
                case "--freivalds" -> freivalds = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String load;
        try {
            load = Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            load = "unknown";
        }
        System.out.printf(Locale.ROOT, "JVM %s, %d cores, max heap %d MiB, load average %s%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, load);
        if (runJava) {
            try (JavaJobRunner r = JavaJobRunner.builder().maxJobMemoryBytes(Long.MAX_VALUE).build()) {
                System.out.println();
                System.out.println("Java runner (" + r.device() + "):");
                table(r, javaSizes, reps, freivalds);
            }
        }
        if (runGpu) {
            CudaDiscovery d = CudaDiscovery.discover();
            System.out.println();
            if (!d.isAvailable()) {
                System.out.println("GPU runner: not run, " + d.describe());
                return;
            }
            try (CudaJobRunner r = CudaJobRunner.builder().ptxKernels(false).build()) {
                System.out.println("GPU runner (" + d.describe() + "):");
                table(r, gpuSizes, reps, false);
                CudaJobRunner.LaunchOverhead o = r.launchOverhead(10_000).get(10, TimeUnit.MINUTES);
                System.out.printf(Locale.ROOT, "%nEmpty kernel: launch + stream sync %.2f us; back-to-back device time %.2f us per launch%n",
                        o.launchAndWait().toNanos() / 1e3, o.devicePerLaunch().toNanos() / 1e3);
            }
        }
    }

    private static void table(JobRunner r, List<Integer> sizes, int reps, boolean freivalds) throws Exception {
        System.out.println();
        System.out.println(freivalds
                ? "| n | compute ms | GFLOP/s (compute) | end to end ms | GFLOP/s (end to end) | Freivalds check ms |"
                : "| n | compute ms | GFLOP/s (compute) | end to end ms | GFLOP/s (end to end) |");
        System.out.println(freivalds ? "|---|---|---|---|---|---|" : "|---|---|---|---|---|");
        for (int n : sizes) {
            JobSpec spec = Jobs.matmul(n, ReferenceMath.randomFloats(n * n, n), ReferenceMath.randomFloats(n * n, n + 1));
            spec = new JobSpec(spec.kind(), spec.params(), spec.payload(), 3_600_000, 0);
            // Warm-up: at least three runs or two seconds, so the JIT has compiled the kernels.
            JobResult last = null;
            long warmUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            for (int w = 0; w < 50 && (w < 3 || System.nanoTime() < warmUntil); w++) {
                last = r.submit(spec).get(1, TimeUnit.HOURS);
            }
            double bestRan = Double.MAX_VALUE;
            double bestWall = Double.MAX_VALUE;
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                last = r.submit(spec).get(1, TimeUnit.HOURS);
                bestWall = Math.min(bestWall, (System.nanoTime() - t0) / 1e6);
                bestRan = Math.min(bestRan, last.ran().toNanos() / 1e6);
            }
            double flops = 2.0 * n * n * n;
            String row = String.format(Locale.ROOT, "| %d | %.2f | %.1f | %.2f | %.1f |", n, bestRan, flops / bestRan / 1e6,
                    bestWall, flops / bestWall / 1e6);
            if (freivalds) {
                long t0 = System.nanoTime();
                CheckResult c = Freivalds.create().check(spec, last.output());
                row += String.format(Locale.ROOT, " %.1f (%s) |", (System.nanoTime() - t0) / 1e6, c.passed() ? "passed" : "FAILED");
            }
            System.out.println(row);
        }
    }

    private static List<Integer> sizes(String csv) {
        List<Integer> out = new ArrayList<>();
        Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).forEach(out::add);
        return out;
    }
}
