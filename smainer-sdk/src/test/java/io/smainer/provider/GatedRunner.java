package io.smainer.provider;

import io.smainer.job.JobException;
import io.smainer.job.JobResult;
import io.smainer.job.JobRunner;
import io.smainer.protocol.EffortMetrics;
import io.smainer.protocol.JobSpec;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small real {@link JobRunner} for the node's tests. Kinds: {@code echo} returns the payload;
 * {@code gate} returns the payload once the test opens the gate named by the {@code gate} parameter;
 * {@code fail} fails with the {@code retryable} parameter; {@code effort} returns the payload with the
 * metrics given as parameters.
 */
final class GatedRunner implements JobRunner {
    private final ConcurrentHashMap<String, CompletableFuture<Void>> gates = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, CompletableFuture<JobResult>> runs = new ConcurrentHashMap<>();
    final AtomicInteger cancelled = new AtomicInteger();

    @Override
    public String name() {
        return "gated";
    }

    @Override
    public Set<String> kinds() {
        return Set.of("echo", "gate", "fail", "effort");
    }

    void open(String gate) {
        gates.computeIfAbsent(gate, g -> new CompletableFuture<>()).complete(null);
    }

    @Override
    public CompletableFuture<JobResult> submit(JobSpec spec) {
        byte[] out = spec.payload().clone();
        switch (spec.kind()) {
            case "echo":
                return CompletableFuture.supplyAsync(() -> JobResult.of(out, Duration.ZERO, Duration.ofMillis(1), "cpu",
                        Optional.empty()));
            case "fail":
                return CompletableFuture.failedFuture(new JobException("fail", "it failed on purpose",
                        Boolean.parseBoolean(spec.params().getOrDefault("retryable", "false"))));
            case "effort":
                EffortMetrics m = new EffortMetrics(Long.parseLong(spec.param("in")), Long.parseLong(spec.param("out")),
                        Long.parseLong(spec.param("gpu_ms")), Long.parseLong(spec.param("params_b")));
                return CompletableFuture.completedFuture(JobResult.of(out, Duration.ZERO, Duration.ofMillis(5), "cpu",
                        Optional.of(m)));
            case "gate":
                String gate = spec.param("gate");
                CompletableFuture<JobResult> result = new CompletableFuture<>();
                gates.computeIfAbsent(gate, g -> new CompletableFuture<>()).thenRun(() -> result.complete(
                        JobResult.of(out, Duration.ZERO, Duration.ofMillis(2), "cpu", Optional.empty())));
                result.whenComplete((r, e) -> {
                    if (result.isCancelled()) {
                        cancelled.incrementAndGet();
                    }
                });
                runs.put(gate, result);
                return result;
            default:
                return CompletableFuture.failedFuture(new JobException(spec.kind(), "unknown kind", false));
        }
    }

    @Override
    public void close() {
        gates.values().forEach(g -> g.cancel(false));
    }
}
