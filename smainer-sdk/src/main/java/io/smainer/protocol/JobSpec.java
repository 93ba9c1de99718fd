package io.smainer.protocol;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.chain.Felt;
import io.smainer.crypto.Receipts;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;

/**
 * A unit of work as it travels: a kind (e.g. {@code matmul-f32}), small string parameters, a binary
 * payload (base64 on the wire) and limits. The {@code io.smainer.job} package builds and reads typed
 * specs for each kind.
 *
 * @param kind the job kind, lower-case letters, digits and dashes
 * @param params small parameters, at most 64 entries
 * @param payload the binary input, may be empty
 * @param timeoutMillis how long a run may take, in {@code [1, 3600000]}
 * @param maxMemoryBytes the most memory a run may use, at least 0 (0: the runner's default)
 */
public record JobSpec(String kind, Map<String, String> params, byte[] payload, long timeoutMillis, long maxMemoryBytes) {
    /** Default run time limit: five minutes, as the deployed relayer's task timeout. */
    public static final long DEFAULT_TIMEOUT_MILLIS = 300_000;

    /** Validates every field. */
    public JobSpec {
        Require.text("kind", kind, 64);
        if (!kind.matches("[a-z0-9][a-z0-9-]*")) {
            throw new InvalidFieldException("kind", "lower-case letters, digits and dashes", kind);
        }
        params = Map.copyOf(Require.present("params", params == null ? Map.of() : params));
        if (params.size() > 64) {
            throw new InvalidFieldException("params", "at most 64 entries", params.size());
        }
        payload = payload == null ? new byte[0] : payload;
        Require.range("timeout_millis", timeoutMillis, 1, 3_600_000);
        Require.range("max_memory_bytes", maxMemoryBytes, 0, Long.MAX_VALUE);
    }

    /**
     * @param kind the job kind
     * @param params parameters
     * @param payload the binary input
     * @return a spec with the default limits
     */
    public static JobSpec of(String kind, Map<String, String> params, byte[] payload) {
        return new JobSpec(kind, params, payload, DEFAULT_TIMEOUT_MILLIS, 0);
    }

    /**
     * @param name a parameter name
     * @return its value
     * @throws InvalidFieldException when absent
     */
    public String param(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new InvalidFieldException("params." + name, "a value", null);
        }
        return v;
    }

    /**
     * The job's content hash, which a demander's request signature commits to: SHA-256, reduced modulo
     * the Stark prime, of {@code kind}, the parameters sorted by name, the payload and the limits, each
     * length-prefixed.
     *
     * @return the hash
     */
    public Felt contentHash() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(out);
        try {
            writeString(data, kind);
            data.writeInt(params.size());
            for (String key : new TreeSet<>(params.keySet())) {
                writeString(data, key);
                writeString(data, params.get(key));
            }
            data.writeInt(payload.length);
            data.write(payload);
            data.writeLong(timeoutMillis);
            data.writeLong(maxMemoryBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Receipts.resultHash(out.toByteArray());
    }

    private static void writeString(DataOutputStream data, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        data.writeInt(b.length);
        data.write(b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JobSpec j && kind.equals(j.kind) && params.equals(j.params)
                && Arrays.equals(payload, j.payload) && timeoutMillis == j.timeoutMillis && maxMemoryBytes == j.maxMemoryBytes;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * kind.hashCode() + params.hashCode()) + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "JobSpec[kind=" + kind + ", params=" + params + ", payload=" + payload.length + " bytes, timeoutMillis="
                + timeoutMillis + ", maxMemoryBytes=" + maxMemoryBytes + "]";
    }
}
