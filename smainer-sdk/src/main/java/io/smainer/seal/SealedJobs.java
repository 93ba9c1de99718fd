package io.smainer.seal;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.protocol.JobSpec;
import io.smainer.seal.SealException.Problem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Sealed jobs and results as they travel through a relayer. A sealed job keeps its kind, timeout and memory limit in
 * clear (the relayer schedules by them) and has one parameter, {@value #PARAM} = {@value #VERSION}; its payload is an
 * {@link Envelope} sealed to the providers the demander accepts, with the demander's own sealing key as reply-to,
 * holding the plain job: {@code "SMJOB/1"}, then the kind, the parameters sorted by name, the timeout, the memory
 * limit and the payload (strings and the payload length-prefixed with 4 bytes, longs 8 bytes, big-endian). A provider
 * refuses a sealed job whose clear kind or limits differ from the sealed ones. A sealed result is an envelope sealed to
 * the job's reply-to only. Stateless and thread-safe.
 */
public final class SealedJobs {
    /** The parameter that marks a sealed job. */
    public static final String PARAM = "seal";
    /** Its value: the envelope's version. */
    public static final String VERSION = "smainer-seal/1";
    private static final byte[] JOB_MAGIC = "SMJOB/1".getBytes(StandardCharsets.US_ASCII);

    private SealedJobs() {
    }

    /**
     * A sealed job opened by one of its recipients.
     *
     * @param plain the job to run
     * @param replyTo where its result is to be sealed (the demander)
     */
    public record OpenedJob(JobSpec plain, Envelope.Recipient replyTo) {
    }

    /**
     * @param job a job as it travels
     * @return whether it is sealed (it names the {@value #PARAM} parameter)
     */
    public static boolean isSealed(JobSpec job) {
        return job.params().containsKey(PARAM);
    }

    /**
     * Reads and checks a sealed job's clear part: what a relayer routes by.
     *
     * @param job a sealed job
     * @return its envelope's header
     * @throws InvalidFieldException naming {@code job.params} or {@code job.payload} when it is not a well-formed
     *     sealed job of this version with a reply-to
     */
    public static Envelope.Header header(JobSpec job) {
        if (!VERSION.equals(job.params().get(PARAM)) || job.params().size() != 1) {
            throw new InvalidFieldException("job.params", "a sealed job's one parameter, " + PARAM + "=" + VERSION,
                    job.params().keySet());
        }
        Envelope.Header h;
        try {
            h = Envelope.header(job.payload());
        } catch (SealException e) {
            throw new InvalidFieldException("job.payload", "a sealed envelope", e.getMessage());
        }
        if (h.replyTo().isEmpty()) {
            throw new InvalidFieldException("job.payload", "an envelope with a reply-to (the demander's sealing key)",
                    "none");
        }
        return h;
    }

    /**
     * Seals a job for the providers a demander accepts.
     *
     * @param plain the job
     * @param demander the demander's account and sealing key: the result is sealed to it
     * @param providers the providers that may run it, 1 to {@value Envelope#MAX_RECIPIENTS}
     * @param random the source of keys and nonces
     * @return the sealed job, the plain one and the payload's content key
     */
    public static SealedJob seal(JobSpec plain, Envelope.Recipient demander, List<Envelope.Recipient> providers,
            SecureRandom random) {
        Require.present("job", plain);
        Require.present("demander", demander);
        if (isSealed(plain)) {
            throw new InvalidFieldException("job.params", "a plain job (no " + PARAM + " parameter)", PARAM);
        }
        Envelope.Sealed envelope = Envelope.seal(encode(plain), Optional.of(demander), providers, random);
        JobSpec sealed = new JobSpec(plain.kind(), Map.of(PARAM, VERSION), envelope.envelope(), plain.timeoutMillis(),
                plain.maxMemoryBytes());
        return new SealedJob(sealed, plain, envelope.fileKey());
    }

    /**
     * Opens a sealed job as one of its recipients and checks it against its clear part.
     *
     * @param sealed the job as assigned
     * @param keys the recipient's sealing key pair
     * @return the plain job and where its result goes
     * @throws SealException when this key cannot open it, it was changed, or its clear part differs from the sealed
     */
    public static OpenedJob open(JobSpec sealed, SealKeyPair keys) {
        Envelope.Header h;
        try {
            h = header(sealed);
        } catch (InvalidFieldException e) {
            throw new SealException(Problem.MALFORMED, e.getMessage());
        }
        return new OpenedJob(plainOf(sealed, Envelope.open(sealed.payload(), keys)), h.replyTo().orElseThrow());
    }

    /**
     * Opens a sealed job with its payload's content key, as a third party does once its demander revealed the key
     * (to show what was asked), and checks it against its clear part as a provider does.
     *
     * @param sealed the job as it travelled
     * @param fileKey the payload envelope's content key, 16 bytes
     * @return the plain job and where its result goes
     * @throws SealException when the key does not open it, it was changed, or its clear part differs from the sealed
     */
    public static OpenedJob openWithFileKey(JobSpec sealed, byte[] fileKey) {
        Envelope.Header h;
        try {
            h = header(sealed);
        } catch (InvalidFieldException e) {
            throw new SealException(Problem.MALFORMED, e.getMessage());
        }
        return new OpenedJob(plainOf(sealed, Envelope.openWithFileKey(sealed.payload(), fileKey)),
                h.replyTo().orElseThrow());
    }

    /** The plain job of an opened payload, whose kind and limits must be the clear ones. */
    private static JobSpec plainOf(JobSpec sealed, Envelope.Opened o) {
        JobSpec plain = decode(o.plaintext());
        if (!plain.kind().equals(sealed.kind()) || plain.timeoutMillis() != sealed.timeoutMillis()
                || plain.maxMemoryBytes() != sealed.maxMemoryBytes()) {
            throw new SealException(Problem.TAMPERED, "the sealed job's clear kind or limits (" + sealed.kind() + ", "
                    + sealed.timeoutMillis() + " ms, " + sealed.maxMemoryBytes() + " bytes) differ from the sealed ones ("
                    + plain.kind() + ", " + plain.timeoutMillis() + " ms, " + plain.maxMemoryBytes() + " bytes)");
        }
        return plain;
    }

    /**
     * @param output a run's output
     * @param replyTo the job's reply-to
     * @param random the source of keys and nonces
     * @return the output sealed to the demander only
     */
    public static byte[] sealResult(byte[] output, Envelope.Recipient replyTo, SecureRandom random) {
        return Envelope.seal(output, Optional.empty(), List.of(replyTo), random).envelope();
    }

    /**
     * @param sealedResult a sealed result as the relayer released it
     * @param demander the demander's sealing key pair
     * @return the result, opened and authenticated
     * @throws SealException when this key cannot open it or it was changed
     */
    public static Envelope.Opened openResult(byte[] sealedResult, SealKeyPair demander) {
        return Envelope.open(sealedResult, demander);
    }

    /**
     * @param account an account
     * @param keys its sealing key pair
     * @return it as a recipient
     */
    public static Envelope.Recipient recipient(ContractAddress account, SealKeyPair keys) {
        return new Envelope.Recipient(account, keys.publicKey());
    }

    static byte[] encode(JobSpec job) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(job.payload().length + 256);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.write(JOB_MAGIC);
            writeString(out, job.kind());
            out.writeInt(job.params().size());
            for (Map.Entry<String, String> e : new TreeMap<>(job.params()).entrySet()) {
                writeString(out, e.getKey());
                writeString(out, e.getValue());
            }
            out.writeLong(job.timeoutMillis());
            out.writeLong(job.maxMemoryBytes());
            out.writeInt(job.payload().length);
            out.write(job.payload());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static JobSpec decode(byte[] plain) {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain));
        try {
            byte[] magic = in.readNBytes(JOB_MAGIC.length);
            if (!Arrays.equals(magic, JOB_MAGIC)) {
                throw new SealException(Problem.MALFORMED, "the sealed job does not start with SMJOB/1");
            }
            String kind = readString(in, plain.length);
            int n = in.readInt();
            if (n < 0 || n > 64) {
                throw new SealException(Problem.MALFORMED, "the sealed job has " + n + " parameters (0 to 64)");
            }
            Map<String, String> params = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                params.put(readString(in, plain.length), readString(in, plain.length));
            }
            long timeout = in.readLong();
            long memory = in.readLong();
            int len = in.readInt();
            if (len < 0 || len != in.available()) {
                throw new SealException(Problem.MALFORMED, "the sealed job's payload length " + len + " does not match"
                        + " the " + in.available() + " bytes left");
            }
            return new JobSpec(kind, params, in.readNBytes(len), timeout, memory);
        } catch (IOException e) {
            throw new SealException(Problem.MALFORMED, "the sealed job ends early");
        } catch (InvalidFieldException e) {
            throw new SealException(Problem.MALFORMED, "the sealed job is not a valid job: " + e.getMessage());
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in, int bound) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > bound) {
            throw new SealException(Problem.MALFORMED, "a sealed string's length " + len + " is out of range");
        }
        return new String(in.readNBytes(len), StandardCharsets.UTF_8);
    }
}
