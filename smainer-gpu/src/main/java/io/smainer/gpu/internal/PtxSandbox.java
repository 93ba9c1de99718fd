package io.smainer.gpu.internal;

import io.smainer.InvalidFieldException;
import io.smainer.concurrent.DaemonThreads;
import io.smainer.fee.EffortPricing;
import io.smainer.job.JobContext;
import io.smainer.job.JobException;
import io.smainer.job.JobHandler;
import io.smainer.job.JobOutput;
import io.smainer.job.Jobs;
import io.smainer.job.PtxKernel;
import io.smainer.protocol.EffortMetrics;
import io.smainer.protocol.JobSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs {@value Jobs#PTX_KERNEL} jobs in a child JVM ({@link PtxSandboxMain}), one process per job, and
 * kills it at the job's deadline or on cancellation: a demander's kernel gets its own context and
 * address space, and neither a fault nor an endless loop can reach the provider's contexts. The price
 * is a JVM start and a CUDA context per job (roughly half a second to a second). Not API.
 */
public final class PtxSandbox implements JobHandler {
    /** Bytes of the child's stderr kept for error messages. */
    static final int STDERR_KEEP = 16 * 1024;

    private final List<String> command;
    private final int ordinal;

    /**
     * @param javaCommand the command that starts a JVM with this module on its class path, e.g.
     *     {@link #currentJvm()}
     * @param ordinal the device the kernels run on
     */
    public PtxSandbox(List<String> javaCommand, int ordinal) {
        this.command = List.copyOf(javaCommand);
        this.ordinal = ordinal;
    }

    /** @return the running JVM's java binary and class path, with a small heap */
    public static List<String> currentJvm() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"));
    }

    @Override
    public String kind() {
        return Jobs.PTX_KERNEL;
    }

    @Override
    public long requiredMemoryBytes(JobSpec spec) {
        PtxKernel k = PtxKernel.fromSpec(spec);
        return k.deviceBytes();
    }

    @Override
    public JobOutput run(JobSpec spec, JobContext context) {
        PtxKernel.fromSpec(spec);
        long limit = spec.maxMemoryBytes() == 0 ? Long.MAX_VALUE : spec.maxMemoryBytes();
        List<String> cmd = new ArrayList<>(command);
        cmd.add(PtxSandboxMain.class.getName());
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new JobException(kind(), JobException.Reason.FAILED, "could not start the sandbox: " + e.getMessage(), true, e);
        }
        try {
            CompletableFuture<byte[]> stdout = drain(p.getInputStream(), Integer.MAX_VALUE, "stdout");
            CompletableFuture<byte[]> stderr = drain(p.getErrorStream(), STDERR_KEEP, "stderr");
            try (OutputStream stdin = p.getOutputStream()) {
                writeRequest(new DataOutputStream(stdin), ordinal, limit, spec);
            } catch (IOException e) {
                // the child died early; its stderr says why
            }
            while (!p.waitFor(20, TimeUnit.MILLISECONDS)) {
                if (context.isStopped()) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    context.checkActive();
                    throw new JobException(kind(), JobException.Reason.CANCELLED, "stopped", true, null);
                }
            }
            byte[] answer = stdout.get(30, TimeUnit.SECONDS);
            byte[] errors;
            try {
                errors = stderr.get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                errors = new byte[0];
            }
            return readResponse(answer, p.exitValue(), errors);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            context.checkActive();
            throw new JobException(kind(), JobException.Reason.CANCELLED, "interrupted", true, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new JobException(kind(), JobException.Reason.FAILED, "sandbox output unreadable: " + e, true, e);
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    /**
     * Writes a request as {@link PtxSandboxMain} reads it.
     *
     * @param out the child's stdin
     * @param ordinal the device
     * @param maxDeviceBytes the most device memory the kernel's buffers may take
     * @param spec the {@value Jobs#PTX_KERNEL} spec
     * @throws IOException when the child is gone
     */
    static void writeRequest(DataOutputStream out, int ordinal, long maxDeviceBytes, JobSpec spec) throws IOException {
        out.writeInt(PtxSandboxMain.MAGIC);
        out.writeInt(ordinal);
        out.writeLong(maxDeviceBytes);
        out.writeInt(spec.params().size());
        for (Map.Entry<String, String> e : spec.params().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
        out.writeInt(spec.payload().length);
        out.write(spec.payload());
        out.flush();
    }

    JobOutput readResponse(byte[] stdout, int exit, byte[] stderr) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(stdout));
            int status = in.readByte();
            if (status == 0) {
                float ms = in.readFloat();
                byte[] out = new byte[in.readInt()];
                in.readFully(out);
                long gpuMillis = Math.min(EffortPricing.MAX_GPU_MILLIS, (long) Math.ceil(ms));
                return new JobOutput(out, Optional.of(new EffortMetrics(0, 0, gpuMillis, 0)),
                        Optional.of(Duration.ofNanos(Math.round(ms * 1e6))));
            }
            String message = in.readUTF();
            boolean demanders = status == 1;
            throw new JobException(kind(), demanders ? JobException.Reason.INVALID_INPUT : JobException.Reason.FAILED,
                    (demanders ? "the kernel failed: " : "the sandbox failed: ") + message, !demanders, null);
        } catch (IOException e) {
            String err = new String(stderr, StandardCharsets.UTF_8).strip();
            throw new JobException(kind(), JobException.Reason.FAILED, "the sandbox exited with " + exit
                    + " and no answer" + (err.isEmpty() ? "" : ": " + err), true, e);
        } catch (InvalidFieldException e) {
            throw new JobException(kind(), JobException.Reason.INVALID_INPUT, e.getMessage(), false, e);
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream in, int keep, String name) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread t = DaemonThreads.named("ptx-sandbox-" + name).newThread(() -> {
            try (in) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                byte[] chunk = new byte[1 << 16];
                int r;
                while ((r = in.read(chunk)) >= 0) {
                    int room = keep - buf.size();
                    if (room > 0) {
                        buf.write(chunk, 0, Math.min(room, r));
                    }
                }
                f.complete(buf.toByteArray());
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        });
        t.start();
        return f;
    }
}
