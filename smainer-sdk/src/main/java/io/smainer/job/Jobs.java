package io.smainer.job;

import io.smainer.InvalidFieldException;
import io.smainer.protocol.JobSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed specs for the built-in job kinds: builders that produce a {@link JobSpec}, readers that check
 * a spec (naming the bad field) and decode it, and readers for the canonical outputs.
 *
 * <p>Encodings (all numbers little-endian, matrices row-major):
 * <ul>
 *   <li>{@value #MATMUL_F32}: params {@code m, k, n}; payload A ({@code m*k} float32) then B
 *       ({@code k*n} float32); output C = A*B ({@code m*n} float32). Not bit-exact across devices:
 *       check with {@link Freivalds}.</li>
 *   <li>{@value #SAXPY_F32}: params {@code n, a} ({@code a} as {@link Float#toString(float)}); payload
 *       x then y ({@code n} float32 each); output {@code fma(a, x[i], y[i])}, one rounding, bit-exact.</li>
 *   <li>{@value #REDUCE_SUM_F32}: params {@code n}; payload x ({@code n} float32); output one float32:
 *       the sum in the fixed order of {@link #REDUCE_CHUNK}-element halving trees described at
 *       {@link #reduceSum(float[])}, bit-exact on every runner.</li>
 *   <li>{@value #SHA256_BATCH}: params {@code count}; payload: per message a uint32 length then its
 *       bytes; output: the {@code count} 32-byte SHA-256 digests in order. Bit-exact.</li>
 *   <li>{@value #PTX_KERNEL}: see {@link PtxKernel}; GPU runners only.</li>
 * </ul>
 */
public final class Jobs {
    /** Matrix product C = A*B in float32. */
    public static final String MATMUL_F32 = "matmul-f32";
    /** {@code a*x + y} in float32, fused. */
    public static final String SAXPY_F32 = "saxpy-f32";
    /** Sum of a float32 vector in a fixed order. */
    public static final String REDUCE_SUM_F32 = "reduce-sum-f32";
    /** SHA-256 of many messages. */
    public static final String SHA256_BATCH = "sha256-batch";
    /** A demander's own PTX kernel (GPU only). */
    public static final String PTX_KERNEL = "ptx-kernel";
    /** The kinds both the Java and the GPU runner run. */
    public static final List<String> PORTABLE_KINDS = List.of(MATMUL_F32, SAXPY_F32, REDUCE_SUM_F32, SHA256_BATCH);

    /** The largest matrix dimension accepted. */
    public static final int MAX_DIMENSION = 65_536;
    /** The largest payload a spec can carry: one Java byte array. */
    public static final long MAX_PAYLOAD_BYTES = Integer.MAX_VALUE - 8;
    /** The largest number of messages in one {@value #SHA256_BATCH} job. */
    public static final int MAX_MESSAGES = 16_777_216;
    /** The chunk of the reduction tree of {@value #REDUCE_SUM_F32}. */
    public static final int REDUCE_CHUNK = 1024;

    private Jobs() {
    }

    // ---------------------------------------------------------------- matmul-f32

    /**
     * The shape of a matrix product: A is {@code m x k}, B is {@code k x n}, C is {@code m x n}.
     *
     * @param m rows of A and C
     * @param k columns of A, rows of B
     * @param n columns of B and C
     */
    public record MatmulShape(int m, int k, int n) {
        /** Validates the dimensions and that the payload fits one array. */
        public MatmulShape {
            dimension("params.m", m);
            dimension("params.k", k);
            dimension("params.n", n);
            long bytes = inputBytes(m, k, n);
            if (bytes > MAX_PAYLOAD_BYTES) {
                throw new InvalidFieldException("payload", "at most " + MAX_PAYLOAD_BYTES + " bytes for A and B",
                        bytes + " bytes for m=" + m + ", k=" + k + ", n=" + n);
            }
            if (4L * m * n > MAX_PAYLOAD_BYTES) {
                throw new InvalidFieldException("params.n", "m*n*4 (the output C) at most " + MAX_PAYLOAD_BYTES + " bytes",
                        4L * m * n + " bytes for m=" + m + ", n=" + n);
            }
        }

        /** @return bytes of A and B in the payload */
        public long inputBytes() {
            return inputBytes(m, k, n);
        }

        /** @return bytes of C in the output */
        public long outputBytes() {
            return 4L * m * n;
        }

        /** @return floating-point operations of the product, {@code 2*m*k*n} */
        public double flops() {
            return 2.0 * m * k * n;
        }

        private static long inputBytes(int m, int k, int n) {
            return 4L * m * k + 4L * k * n;
        }
    }

    /**
     * The decoded input of a matrix product.
     *
     * @param shape the dimensions
     * @param a A, {@code m*k} floats, row-major
     * @param b B, {@code k*n} floats, row-major
     */
    public record MatmulInput(MatmulShape shape, float[] a, float[] b) {
        /** Validates that the arrays match the shape. */
        public MatmulInput {
            if (shape == null) {
                throw new InvalidFieldException("shape", "a value", null);
            }
            length("a", a, (long) shape.m() * shape.k());
            length("b", b, (long) shape.k() * shape.n());
        }
    }

    /**
     * @param n the size of the square matrices
     * @param a A, {@code n*n} floats, row-major
     * @param b B, {@code n*n} floats, row-major
     * @return the spec for C = A*B
     */
    public static JobSpec matmul(int n, float[] a, float[] b) {
        return matmul(n, n, n, a, b);
    }

    /**
     * @param m rows of A
     * @param k columns of A, rows of B
     * @param n columns of B
     * @param a A, {@code m*k} floats, row-major
     * @param b B, {@code k*n} floats, row-major
     * @return the spec for C = A*B
     */
    public static JobSpec matmul(int m, int k, int n, float[] a, float[] b) {
        MatmulInput in = new MatmulInput(new MatmulShape(m, k, n), a, b);
        ByteBuffer buf = ByteBuffer.allocate((int) in.shape().inputBytes()).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(in.a()).put(in.b());
        Map<String, String> params = new LinkedHashMap<>();
        params.put("m", Integer.toString(m));
        params.put("k", Integer.toString(k));
        params.put("n", Integer.toString(n));
        return JobSpec.of(MATMUL_F32, params, buf.array());
    }

    /**
     * Checks a spec's kind, parameters and payload length without decoding the matrices.
     *
     * @param spec a {@value #MATMUL_F32} spec
     * @return its shape
     * @throws InvalidFieldException naming the bad field
     */
    public static MatmulShape matmulShape(JobSpec spec) {
        requireKind(spec, MATMUL_F32);
        MatmulShape shape = new MatmulShape(intParam(spec, "m"), intParam(spec, "k"), intParam(spec, "n"));
        payloadLength(spec, shape.inputBytes(), "4*(m*k + k*n)");
        return shape;
    }

    /**
     * @param spec a {@value #MATMUL_F32} spec
     * @return its matrices
     * @throws InvalidFieldException naming the bad field
     */
    public static MatmulInput readMatmul(JobSpec spec) {
        MatmulShape s = matmulShape(spec);
        int aLen = Math.multiplyExact(s.m(), s.k());
        return new MatmulInput(s, floats(spec.payload(), 0, aLen),
                floats(spec.payload(), 4L * aLen, Math.multiplyExact(s.k(), s.n())));
    }

    /**
     * @param spec the {@value #MATMUL_F32} spec that produced the output
     * @param output the output bytes
     * @return C, {@code m*n} floats, row-major
     * @throws InvalidFieldException when the output has the wrong length
     */
    public static float[] readMatmulOutput(JobSpec spec, byte[] output) {
        MatmulShape s = matmulShape(spec);
        outputLength(output, s.outputBytes());
        return floats(output, 0, Math.multiplyExact(s.m(), s.n()));
    }

    // ---------------------------------------------------------------- saxpy-f32

    /**
     * The decoded input of {@value #SAXPY_F32}.
     *
     * @param a the scalar
     * @param x the first vector
     * @param y the second vector, as long as x
     */
    public record SaxpyInput(float a, float[] x, float[] y) {
        /** Validates the lengths. */
        public SaxpyInput {
            if (x == null) {
                throw new InvalidFieldException("x", "a vector", null);
            }
            length("y", y, x.length);
        }
    }

    /**
     * @param a the scalar
     * @param x the first vector
     * @param y the second vector, as long as x
     * @return the spec for {@code fma(a, x[i], y[i])}
     */
    public static JobSpec saxpy(float a, float[] x, float[] y) {
        SaxpyInput in = new SaxpyInput(a, x, y);
        long bytes = 8L * x.length;
        if (bytes > MAX_PAYLOAD_BYTES) {
            throw new InvalidFieldException("x", "at most " + MAX_PAYLOAD_BYTES / 8 + " elements", x.length);
        }
        ByteBuffer buf = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(in.x()).put(in.y());
        Map<String, String> params = new LinkedHashMap<>();
        params.put("n", Integer.toString(x.length));
        params.put("a", Float.toString(a));
        return JobSpec.of(SAXPY_F32, params, buf.array());
    }

    /**
     * @param spec a {@value #SAXPY_F32} spec
     * @return the vector length, after checking the parameters and payload length
     * @throws InvalidFieldException naming the bad field
     */
    public static int saxpyLength(JobSpec spec) {
        requireKind(spec, SAXPY_F32);
        int n = intParam(spec, "n", 0, Integer.MAX_VALUE);
        floatParam(spec, "a");
        payloadLength(spec, 8L * n, "8*n");
        return n;
    }

    /**
     * @param spec a {@value #SAXPY_F32} spec
     * @return its scalar {@code a}, without decoding the vectors
     * @throws InvalidFieldException naming the bad field
     */
    public static float saxpyScalar(JobSpec spec) {
        saxpyLength(spec);
        return floatParam(spec, "a");
    }

    /**
     * @param spec a {@value #SAXPY_F32} spec
     * @return its scalar and vectors
     * @throws InvalidFieldException naming the bad field
     */
    public static SaxpyInput readSaxpy(JobSpec spec) {
        int n = saxpyLength(spec);
        return new SaxpyInput(floatParam(spec, "a"), floats(spec.payload(), 0, n), floats(spec.payload(), 4L * n, n));
    }

    /**
     * @param spec the {@value #SAXPY_F32} spec that produced the output
     * @param output the output bytes
     * @return the result vector
     */
    public static float[] readSaxpyOutput(JobSpec spec, byte[] output) {
        int n = saxpyLength(spec);
        outputLength(output, 4L * n);
        return floats(output, 0, n);
    }

    // ---------------------------------------------------------------- reduce-sum-f32

    /**
     * A spec for the float32 sum of {@code x} in a fixed order, so that every runner returns the same
     * bits: while more than one value is left, split the values into chunks of {@value #REDUCE_CHUNK}
     * (the last one padded with {@code +0.0f}); reduce each chunk by halving ({@code v[i] = v[i] + v[i+s]}
     * for {@code i < s}, {@code s = 512, 256, ..., 1}); the chunk sums are the next round's values.
     * One value is returned as is; no values sum to {@code +0.0f}.
     *
     * @param x the values
     * @return the spec
     */
    public static JobSpec reduceSum(float[] x) {
        if (x == null) {
            throw new InvalidFieldException("x", "a vector", null);
        }
        if (4L * x.length > MAX_PAYLOAD_BYTES) {
            throw new InvalidFieldException("x", "at most " + MAX_PAYLOAD_BYTES / 4 + " elements", x.length);
        }
        return JobSpec.of(REDUCE_SUM_F32, Map.of("n", Integer.toString(x.length)), floatBytes(x));
    }

    /**
     * @param spec a {@value #REDUCE_SUM_F32} spec
     * @return the vector length, after checking the parameter and payload length
     */
    public static int reduceSumLength(JobSpec spec) {
        requireKind(spec, REDUCE_SUM_F32);
        int n = intParam(spec, "n", 0, Integer.MAX_VALUE);
        payloadLength(spec, 4L * n, "4*n");
        return n;
    }

    /**
     * @param spec a {@value #REDUCE_SUM_F32} spec
     * @return the values to sum
     */
    public static float[] readReduceSum(JobSpec spec) {
        return floats(spec.payload(), 0, reduceSumLength(spec));
    }

    /**
     * @param output a {@value #REDUCE_SUM_F32} output
     * @return the sum
     */
    public static float readReduceSumOutput(byte[] output) {
        outputLength(output, 4);
        return floats(output, 0, 1)[0];
    }

    // ---------------------------------------------------------------- sha256-batch

    /**
     * @param messages the messages to hash, at most {@value #MAX_MESSAGES}
     * @return the spec
     */
    public static JobSpec sha256Batch(List<byte[]> messages) {
        if (messages == null || messages.size() > MAX_MESSAGES) {
            throw new InvalidFieldException("messages", "a list of at most " + MAX_MESSAGES + " messages",
                    messages == null ? null : messages.size() + " messages");
        }
        long bytes = 0;
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) == null) {
                throw new InvalidFieldException("messages[" + i + "]", "bytes", null);
            }
            bytes += 4L + messages.get(i).length;
        }
        if (bytes > MAX_PAYLOAD_BYTES) {
            throw new InvalidFieldException("messages", "at most " + MAX_PAYLOAD_BYTES + " bytes in all", bytes);
        }
        ByteBuffer buf = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] m : messages) {
            buf.putInt(m.length).put(m);
        }
        return JobSpec.of(SHA256_BATCH, Map.of("count", Integer.toString(messages.size())), buf.array());
    }

    /**
     * Where each message of a {@value #SHA256_BATCH} payload lies, after checking the framing.
     *
     * @param count how many messages
     * @param offsets where each message's bytes start in the payload
     * @param lengths each message's length
     */
    public record Sha256Layout(int count, long[] offsets, int[] lengths) {
    }

    /**
     * @param spec a {@value #SHA256_BATCH} spec
     * @return where each message lies in the payload
     * @throws InvalidFieldException when the framing does not match {@code count} or the payload
     */
    public static Sha256Layout sha256Layout(JobSpec spec) {
        requireKind(spec, SHA256_BATCH);
        int count = intParam(spec, "count", 0, MAX_MESSAGES);
        byte[] p = spec.payload();
        ByteBuffer buf = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        long[] offsets = new long[count];
        int[] lengths = new int[count];
        for (int i = 0; i < count; i++) {
            if (buf.remaining() < 4) {
                throw new InvalidFieldException("payload", "a 4-byte length for message " + i + " of " + count,
                        buf.remaining() + " bytes left");
            }
            int len = buf.getInt();
            if (len < 0 || len > buf.remaining()) {
                throw new InvalidFieldException("payload", "message " + i + " of at most " + buf.remaining()
                        + " bytes", Integer.toUnsignedString(len) + " bytes");
            }
            offsets[i] = buf.position();
            lengths[i] = len;
            buf.position(buf.position() + len);
        }
        if (buf.hasRemaining()) {
            throw new InvalidFieldException("payload", "exactly " + count + " framed messages",
                    buf.remaining() + " bytes after the last one");
        }
        return new Sha256Layout(count, offsets, lengths);
    }

    /**
     * @param spec a {@value #SHA256_BATCH} spec
     * @return its messages
     */
    public static List<byte[]> readSha256Batch(JobSpec spec) {
        Sha256Layout layout = sha256Layout(spec);
        List<byte[]> out = new ArrayList<>(layout.count());
        for (int i = 0; i < layout.count(); i++) {
            int from = (int) layout.offsets()[i];
            out.add(Arrays.copyOfRange(spec.payload(), from, from + layout.lengths()[i]));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * @param spec the {@value #SHA256_BATCH} spec that produced the output
     * @param output the output bytes
     * @return the digests, 32 bytes each
     */
    public static List<byte[]> readSha256BatchOutput(JobSpec spec, byte[] output) {
        requireKind(spec, SHA256_BATCH);
        int count = intParam(spec, "count", 0, MAX_MESSAGES);
        outputLength(output, 32L * count);
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(Arrays.copyOfRange(output, 32 * i, 32 * i + 32));
        }
        return Collections.unmodifiableList(out);
    }

    // ---------------------------------------------------------------- encodings and checks

    /**
     * @param values floats
     * @return their little-endian float32 bytes
     */
    public static byte[] floatBytes(float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(Math.multiplyExact(4, values.length)).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return buf.array();
    }

    /**
     * @param bytes little-endian float32 bytes
     * @param offset where the first float starts
     * @param count how many floats
     * @return the floats
     */
    public static float[] floats(byte[] bytes, long offset, int count) {
        if (offset < 0 || count < 0 || offset + 4L * count > bytes.length) {
            throw new InvalidFieldException("payload", (offset + 4L * count) + " bytes", bytes.length + " bytes");
        }
        float[] out = new float[count];
        ByteBuffer.wrap(bytes, (int) offset, 4 * count).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /**
     * @param spec a spec
     * @param kind the kind it must have
     * @throws InvalidFieldException when it has another kind
     */
    public static void requireKind(JobSpec spec, String kind) {
        if (!spec.kind().equals(kind)) {
            throw new InvalidFieldException("kind", kind, spec.kind());
        }
    }

    static int intParam(JobSpec spec, String name) {
        return intParam(spec, name, 1, MAX_DIMENSION);
    }

    static int intParam(JobSpec spec, String name, int min, int max) {
        String text = spec.param(name);
        long v;
        try {
            v = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidFieldException("params." + name, "a decimal integer in [" + min + ", " + max + "]", text);
        }
        if (v < min || v > max) {
            throw new InvalidFieldException("params." + name, "a decimal integer in [" + min + ", " + max + "]", text);
        }
        return (int) v;
    }

    static float floatParam(JobSpec spec, String name) {
        String text = spec.param(name);
        try {
            float f = Float.parseFloat(text.trim());
            if (Float.isNaN(f) && !text.trim().equals("NaN")) {
                throw new NumberFormatException();
            }
            return f;
        } catch (NumberFormatException e) {
            throw new InvalidFieldException("params." + name, "a float32 in Java's Float.toString form", text);
        }
    }

    private static void dimension(String field, int value) {
        if (value < 1 || value > MAX_DIMENSION) {
            throw new InvalidFieldException(field, "a dimension in [1, " + MAX_DIMENSION + "]", value);
        }
    }

    private static void length(String field, float[] values, long expected) {
        if (values == null || values.length != expected) {
            throw new InvalidFieldException(field, expected + " floats", values == null ? null : values.length + " floats");
        }
    }

    private static void payloadLength(JobSpec spec, long expected, String formula) {
        if (spec.payload().length != expected) {
            throw new InvalidFieldException("payload", expected + " bytes (" + formula + ")",
                    spec.payload().length + " bytes");
        }
    }

    static void outputLength(byte[] output, long expected) {
        if (output == null || output.length != expected) {
            throw new InvalidFieldException("output", expected + " bytes", output == null ? null : output.length + " bytes");
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
