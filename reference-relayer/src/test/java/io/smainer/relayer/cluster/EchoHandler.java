package io.smainer.relayer.cluster;

import io.smainer.job.JobContext;
import io.smainer.job.JobHandler;
import io.smainer.job.JobOutput;
import io.smainer.protocol.JobSpec;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** The {@code echo} job for tests: waits a little (so tasks are in flight), then returns its payload. */
final class EchoHandler implements JobHandler {
    private final Duration work;

    EchoHandler(Duration work) {
        this.work = work;
    }

    @Override
    public String kind() {
        return "echo";
    }

    @Override
    public JobOutput run(JobSpec spec, JobContext context) {
        long end = System.nanoTime() + work.toNanos();
        while (System.nanoTime() < end) {
            context.checkActive();
            LockSupport.parkNanos(Math.min(end - System.nanoTime(), 5_000_000));
        }
        return JobOutput.of(spec.payload());
    }
}
