package io.smainer.job;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.protocol.JobSpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A demander's own kernel for the {@value Jobs#PTX_KERNEL} kind: a PTX module, its entry point, the
 * launch shape, typed arguments and device buffers. GPU runners only.
 *
 * <p>Wire form: params {@code entry}, {@code grid} and {@code block} ({@code "x,y,z"}),
 * {@code shared_bytes}, {@code module_bytes}, {@code buffers} (e.g. {@code "in:4096,out:4096"}) and
 * {@code args} (e.g. {@code "buf:0,buf:1,i32:1024,f32:0.5"}); payload: the module's UTF-8 text, then
 * the bytes of each {@code in} and {@code inout} buffer in order. Output: the bytes of each
 * {@code out} and {@code inout} buffer in order, after the run. {@code out} buffers start zeroed.
 *
 * @param module the PTX text
 * @param entry the kernel's name in the module ({@code .entry})
 * @param grid blocks per grid
 * @param block threads per block
 * @param sharedBytes dynamic shared memory per block
 * @param args the kernel's arguments, in order
 * @param buffers the device buffers the arguments refer to
 */
public record PtxKernel(String module, String entry, Dim3 grid, Dim3 block, int sharedBytes, List<Arg> args,
        List<Buffer> buffers) {
    /** The largest PTX module accepted. */
    public static final int MAX_MODULE_BYTES = 4 << 20;
    /** The most buffers one kernel may use. */
    public static final int MAX_BUFFERS = 32;
    /** The most arguments one kernel may take. */
    public static final int MAX_ARGS = 64;
    /** The most dynamic shared memory per block (the default limit of every GPU since compute 3.0). */
    public static final int MAX_SHARED_BYTES = 48 * 1024;
    /** The most threads per block. */
    public static final int MAX_THREADS_PER_BLOCK = 1024;

    private static final Pattern ENTRY = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]{0,255}");

    /** Validates every field. */
    public PtxKernel {
        Require.present("module", module);
        if (module.isBlank() || module.length() > MAX_MODULE_BYTES
                || module.getBytes(StandardCharsets.UTF_8).length > MAX_MODULE_BYTES) {
            throw new InvalidFieldException("module", "PTX text of 1 to " + MAX_MODULE_BYTES + " bytes",
                    module.length() + " chars");
        }
        if (entry == null || !ENTRY.matcher(entry).matches()) {
            throw new InvalidFieldException("params.entry", "a PTX identifier", entry);
        }
        Require.present("params.grid", grid);
        Require.present("params.block", block);
        if (grid.y() > 65_535 || grid.z() > 65_535) {
            throw new InvalidFieldException("params.grid", "y and z at most 65535", grid);
        }
        if (block.x() > 1024 || block.y() > 1024 || block.z() > 64
                || (long) block.x() * block.y() * block.z() > MAX_THREADS_PER_BLOCK) {
            throw new InvalidFieldException("params.block", "at most " + MAX_THREADS_PER_BLOCK
                    + " threads (x, y <= 1024, z <= 64)", block);
        }
        Require.range("params.shared_bytes", sharedBytes, 0, MAX_SHARED_BYTES);
        args = List.copyOf(Require.size("params.args", args, MAX_ARGS));
        buffers = List.copyOf(Require.size("params.buffers", buffers, MAX_BUFFERS));
        for (Arg a : args) {
            if (a instanceof BufferRef ref && ref.index() >= buffers.size()) {
                throw new InvalidFieldException("params.args", "buffer indices below " + buffers.size(),
                        "buf:" + ref.index());
            }
        }
        long in = module.getBytes(StandardCharsets.UTF_8).length;
        long out = 0;
        for (Buffer b : buffers) {
            in += b.direction() == Direction.OUT ? 0 : b.sizeBytes();
            out += b.direction() == Direction.IN ? 0 : b.sizeBytes();
        }
        if (in > Jobs.MAX_PAYLOAD_BYTES || out > Jobs.MAX_PAYLOAD_BYTES) {
            throw new InvalidFieldException("params.buffers", "at most " + Jobs.MAX_PAYLOAD_BYTES + " bytes in and out",
                    in + " bytes in, " + out + " out");
        }
    }

    /**
     * Launch dimensions.
     *
     * @param x at least 1
     * @param y at least 1
     * @param z at least 1
     */
    public record Dim3(int x, int y, int z) {
        /** Validates that each is at least 1. */
        public Dim3 {
            if (x < 1 || y < 1 || z < 1) {
                throw new InvalidFieldException("dim3", "three integers of at least 1", x + "," + y + "," + z);
            }
        }

        /** @return {@code "x,y,z"} */
        @Override
        public String toString() {
            return x + "," + y + "," + z;
        }

        static Dim3 parse(String field, String text) {
            String[] parts = text.split(",", -1);
            try {
                if (parts.length != 3) {
                    throw new NumberFormatException();
                }
                return new Dim3(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()),
                        Integer.parseInt(parts[2].trim()));
            } catch (NumberFormatException | InvalidFieldException e) {
                throw new InvalidFieldException(field, "\"x,y,z\" of positive integers", text);
            }
        }
    }

    /** Which way a buffer's bytes travel. */
    public enum Direction {
        /** Copied to the device, not returned. */
        IN,
        /** Zeroed on the device, returned. */
        OUT,
        /** Copied to the device and returned. */
        INOUT
    }

    /**
     * A device buffer.
     *
     * @param direction which way its bytes travel
     * @param sizeBytes its size, at least 1
     * @param data its initial bytes ({@code sizeBytes} of them) for IN and INOUT; empty for OUT
     */
    public record Buffer(Direction direction, long sizeBytes, byte[] data) {
        /** Validates the size against the data. */
        public Buffer {
            Require.present("buffers.direction", direction);
            Require.range("buffers.size", sizeBytes, 1, Jobs.MAX_PAYLOAD_BYTES);
            data = data == null ? new byte[0] : data;
            long expected = direction == Direction.OUT ? 0 : sizeBytes;
            if (data.length != expected) {
                throw new InvalidFieldException("buffers.data", expected + " bytes for a " + direction + " buffer",
                        data.length + " bytes");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Buffer b && direction == b.direction && sizeBytes == b.sizeBytes
                    && Arrays.equals(data, b.data);
        }

        @Override
        public int hashCode() {
            return 31 * direction.hashCode() + Long.hashCode(sizeBytes);
        }

        @Override
        public String toString() {
            return "Buffer[" + direction + ", " + sizeBytes + " bytes]";
        }
    }

    /** The scalar argument types. */
    public enum ScalarType {
        /** 32-bit signed integer. */
        I32(4),
        /** 32-bit unsigned integer. */
        U32(4),
        /** 64-bit signed integer. */
        I64(8),
        /** 64-bit unsigned integer. */
        U64(8),
        /** 32-bit float. */
        F32(4),
        /** 64-bit float. */
        F64(8);

        private final int bytes;

        ScalarType(int bytes) {
            this.bytes = bytes;
        }

        /** @return the argument's size in bytes */
        public int bytes() {
            return bytes;
        }
    }

    /** A kernel argument: a scalar or a buffer's device address. */
    public sealed interface Arg permits Scalar, BufferRef {
    }

    /**
     * A scalar argument.
     *
     * @param type its type
     * @param bits its value's bits: the integer, or {@link Float#floatToRawIntBits}/{@link Double#doubleToRawLongBits}
     */
    public record Scalar(ScalarType type, long bits) implements Arg {
        /** Validates the type. */
        public Scalar {
            Require.present("args.type", type);
        }

        @Override
        public String toString() {
            String v = switch (type) {
                case I32 -> Integer.toString((int) bits);
                case U32 -> Integer.toUnsignedString((int) bits);
                case I64 -> Long.toString(bits);
                case U64 -> Long.toUnsignedString(bits);
                case F32 -> Float.toString(Float.intBitsToFloat((int) bits));
                case F64 -> Double.toString(Double.longBitsToDouble(bits));
            };
            return type.name().toLowerCase(Locale.ROOT) + ":" + v;
        }

        static Scalar parse(String type, String v) {
            return switch (type) {
                case "i32" -> new Scalar(ScalarType.I32, Integer.parseInt(v));
                case "u32" -> new Scalar(ScalarType.U32, Integer.parseUnsignedInt(v) & 0xFFFF_FFFFL);
                case "i64" -> new Scalar(ScalarType.I64, Long.parseLong(v));
                case "u64" -> new Scalar(ScalarType.U64, Long.parseUnsignedLong(v));
                case "f32" -> new Scalar(ScalarType.F32, Float.floatToRawIntBits(Float.parseFloat(v)) & 0xFFFF_FFFFL);
                case "f64" -> new Scalar(ScalarType.F64, Double.doubleToRawLongBits(Double.parseDouble(v)));
                default -> throw new NumberFormatException(type);
            };
        }
    }

    /**
     * A buffer's device address as an argument.
     *
     * @param index the buffer's position in {@link PtxKernel#buffers()}
     */
    public record BufferRef(int index) implements Arg {
        /** Validates the index. */
        public BufferRef {
            Require.range("args.buf", index, 0, MAX_BUFFERS - 1);
        }

        @Override
        public String toString() {
            return "buf:" + index;
        }
    }

    /** @return the bytes of device memory the buffers take */
    public long deviceBytes() {
        return buffers.stream().mapToLong(Buffer::sizeBytes).sum();
    }

    /** @return the bytes of the output: every OUT and INOUT buffer */
    public long outputBytes() {
        return buffers.stream().filter(b -> b.direction() != Direction.IN).mapToLong(Buffer::sizeBytes).sum();
    }

    /**
     * @param timeoutMillis the run's time limit
     * @param maxMemoryBytes the most device memory it may take (0: the runner's default)
     * @return the spec
     */
    public JobSpec toSpec(long timeoutMillis, long maxMemoryBytes) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("entry", entry);
        params.put("grid", grid.toString());
        params.put("block", block.toString());
        params.put("shared_bytes", Integer.toString(sharedBytes));
        byte[] text = module.getBytes(StandardCharsets.UTF_8);
        params.put("module_bytes", Integer.toString(text.length));
        List<String> bufs = new ArrayList<>();
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.writeBytes(text);
        for (Buffer b : buffers) {
            bufs.add(b.direction().name().toLowerCase(Locale.ROOT) + ":" + b.sizeBytes());
            payload.writeBytes(b.data());
        }
        params.put("buffers", String.join(",", bufs));
        params.put("args", String.join(",", args.stream().map(Object::toString).toList()));
        return new JobSpec(Jobs.PTX_KERNEL, params, payload.toByteArray(), timeoutMillis, maxMemoryBytes);
    }

    /**
     * @param spec a {@value Jobs#PTX_KERNEL} spec
     * @return the kernel it describes
     * @throws InvalidFieldException naming the bad field
     */
    public static PtxKernel fromSpec(JobSpec spec) {
        Jobs.requireKind(spec, Jobs.PTX_KERNEL);
        int moduleBytes = Jobs.intParam(spec, "module_bytes", 1, MAX_MODULE_BYTES);
        byte[] p = spec.payload();
        if (p.length < moduleBytes) {
            throw new InvalidFieldException("payload", "at least module_bytes = " + moduleBytes + " bytes", p.length + " bytes");
        }
        String module = new String(p, 0, moduleBytes, StandardCharsets.UTF_8);
        List<Buffer> buffers = new ArrayList<>();
        long at = moduleBytes;
        String bufText = spec.params().getOrDefault("buffers", "");
        if (!bufText.isBlank()) {
            for (String item : bufText.split(",", -1)) {
                String[] kv = item.trim().split(":", -1);
                Direction d;
                long size;
                try {
                    if (kv.length != 2) {
                        throw new IllegalArgumentException();
                    }
                    d = Direction.valueOf(kv[0].toUpperCase(Locale.ROOT));
                    size = Long.parseLong(kv[1]);
                } catch (IllegalArgumentException e) {
                    throw new InvalidFieldException("params.buffers", "a list of in|out|inout:SIZE", item);
                }
                if (size < 1 || size > Jobs.MAX_PAYLOAD_BYTES) {
                    throw new InvalidFieldException("params.buffers", "sizes in [1, " + Jobs.MAX_PAYLOAD_BYTES + "]", item);
                }
                byte[] data = new byte[0];
                if (d != Direction.OUT) {
                    if (at + size > p.length) {
                        throw new InvalidFieldException("payload", "the module and every in/inout buffer ("
                                + (at + size) + "+ bytes)", p.length + " bytes");
                    }
                    data = Arrays.copyOfRange(p, (int) at, (int) (at + size));
                    at += size;
                }
                buffers.add(new Buffer(d, size, data));
            }
        }
        if (at != p.length) {
            throw new InvalidFieldException("payload", at + " bytes (module and in/inout buffers)", p.length + " bytes");
        }
        List<Arg> args = new ArrayList<>();
        String argText = spec.params().getOrDefault("args", "");
        if (!argText.isBlank()) {
            for (String item : argText.split(",", -1)) {
                String[] kv = item.trim().split(":", -1);
                try {
                    if (kv.length != 2) {
                        throw new IllegalArgumentException();
                    }
                    args.add(kv[0].equals("buf") ? new BufferRef(Integer.parseInt(kv[1])) : Scalar.parse(kv[0], kv[1]));
                } catch (IllegalArgumentException | InvalidFieldException e) {
                    throw new InvalidFieldException("params.args", "a list of buf:N, i32|u32|i64|u64|f32|f64:VALUE", item);
                }
            }
        }
        return new PtxKernel(module, spec.param("entry"), Dim3.parse("params.grid", spec.param("grid")),
                Dim3.parse("params.block", spec.param("block")),
                Jobs.intParam(spec, "shared_bytes", 0, MAX_SHARED_BYTES), args, buffers);
    }

    /**
     * Splits a {@value Jobs#PTX_KERNEL} output into the OUT and INOUT buffers it holds.
     *
     * @param output the output bytes
     * @return one array per OUT or INOUT buffer, in order
     */
    public List<byte[]> readOutput(byte[] output) {
        Jobs.outputLength(output, outputBytes());
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        for (Buffer b : buffers) {
            if (b.direction() != Direction.IN) {
                out.add(Arrays.copyOfRange(output, at, (int) (at + b.sizeBytes())));
                at += (int) b.sizeBytes();
            }
        }
        return List.copyOf(out);
    }

    /**
     * @param module the PTX text
     * @param entry the kernel's name
     * @return a builder; each buffer added also appends its address to the arguments
     */
    public static Builder builder(String module, String entry) {
        return new Builder(module, entry);
    }

    /** Builds a {@link PtxKernel}: arguments in call order, buffers added as they are passed. */
    public static final class Builder {
        private final String module;
        private final String entry;
        private Dim3 grid = new Dim3(1, 1, 1);
        private Dim3 block = new Dim3(1, 1, 1);
        private int sharedBytes;
        private final List<Arg> args = new ArrayList<>();
        private final List<Buffer> buffers = new ArrayList<>();

        private Builder(String module, String entry) {
            this.module = module;
            this.entry = entry;
        }

        /**
         * @param x blocks in x
         * @param y blocks in y
         * @param z blocks in z
         * @return this
         */
        public Builder grid(int x, int y, int z) {
            grid = new Dim3(x, y, z);
            return this;
        }

        /**
         * @param x threads in x
         * @param y threads in y
         * @param z threads in z
         * @return this
         */
        public Builder block(int x, int y, int z) {
            block = new Dim3(x, y, z);
            return this;
        }

        /**
         * @param bytes dynamic shared memory per block
         * @return this
         */
        public Builder sharedBytes(int bytes) {
            sharedBytes = bytes;
            return this;
        }

        /**
         * @param data an input buffer's bytes; its address is the next argument
         * @return this
         */
        public Builder in(byte[] data) {
            return buffer(new Buffer(Direction.IN, data.length, data));
        }

        /**
         * @param sizeBytes an output buffer's size; its address is the next argument
         * @return this
         */
        public Builder out(long sizeBytes) {
            return buffer(new Buffer(Direction.OUT, sizeBytes, null));
        }

        /**
         * @param data a buffer copied in and returned; its address is the next argument
         * @return this
         */
        public Builder inOut(byte[] data) {
            return buffer(new Buffer(Direction.INOUT, data.length, data));
        }

        private Builder buffer(Buffer b) {
            buffers.add(b);
            args.add(new BufferRef(buffers.size() - 1));
            return this;
        }

        /**
         * @param v the next argument, a 32-bit integer
         * @return this
         */
        public Builder i32(int v) {
            args.add(new Scalar(ScalarType.I32, v));
            return this;
        }

        /**
         * @param v the next argument, a 64-bit integer
         * @return this
         */
        public Builder i64(long v) {
            args.add(new Scalar(ScalarType.I64, v));
            return this;
        }

        /**
         * @param v the next argument, a float
         * @return this
         */
        public Builder f32(float v) {
            args.add(new Scalar(ScalarType.F32, Float.floatToRawIntBits(v) & 0xFFFF_FFFFL));
            return this;
        }

        /**
         * @param v the next argument, a double
         * @return this
         */
        public Builder f64(double v) {
            args.add(new Scalar(ScalarType.F64, Double.doubleToRawLongBits(v)));
            return this;
        }

        /** @return the kernel */
        public PtxKernel build() {
            return new PtxKernel(module, entry, grid, block, sharedBytes, args, buffers);
        }
    }
}
