package io.smainer.seal;

import io.smainer.Require;
import io.smainer.protocol.JobSpec;

/**
 * A job as its demander sealed it: the form that travels ({@link #sealed}, which the escrow and the request signature
 * commit to), the plain job, and the content key of the sealed payload (kept by the demander, who may reveal it to a
 * third party to prove what was asked).
 *
 * @param sealed what is sent: the job's kind and limits in clear, its parameters and payload in an {@link Envelope}
 * @param plain the job as the providers will run it
 * @param fileKey the payload envelope's content key
 */
public record SealedJob(JobSpec sealed, JobSpec plain, byte[] fileKey) {
    /** Checks presence and copies the key. */
    public SealedJob {
        Require.present("sealed", sealed);
        Require.present("plain", plain);
        fileKey = Require.present("file_key", fileKey).clone();
    }

    @Override
    public byte[] fileKey() {
        return fileKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealedJob j && sealed.equals(j.sealed);
    }

    @Override
    public int hashCode() {
        return sealed.hashCode();
    }

    @Override
    public String toString() {
        return "SealedJob[kind=" + plain.kind() + ", sealed payload=" + sealed.payload().length + " bytes, plain payload="
                + plain.payload().length + " bytes, fileKey=(hidden)]";
    }
}
