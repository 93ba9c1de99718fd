package io.smainer.seal;

import io.smainer.InvalidFieldException;
import io.smainer.crypto.KeyPair;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * An X25519 key pair for sealed tasks: a provider's (to open the payloads sealed to it) or a demander's (to open its
 * results). {@link #derive} makes it from a Stark key, so the Stark key's keystore (or wherever the demander keeps
 * its key) holds it too and nothing new needs storing; {@link #generate} makes a random one. {@link #toString()}
 * never shows the private key. Immutable.
 */
public final class SealKeyPair {
    private static final String DERIVE_INFO = "smainer-seal/1 x25519 from stark key";
    private final byte[] privateKey;
    private final SealPublicKey publicKey;

    private SealKeyPair(byte[] privateKey) {
        if (privateKey == null || privateKey.length != SealPublicKey.LENGTH) {
            throw new InvalidFieldException("seal_private_key", SealPublicKey.LENGTH + " bytes", "(hidden)");
        }
        this.privateKey = privateKey.clone();
        this.publicKey = new SealPublicKey(Primitives.publicKey(this.privateKey));
    }

    /**
     * @param stark a Stark key pair (a provider's or a demander's account key)
     * @return the X25519 key pair HKDF-SHA256 derives from its private key (32 bytes, big-endian; info
     *     {@code "smainer-seal/1 x25519 from stark key"}): the same for the same Stark key, and unrelated to any other
     */
    public static SealKeyPair derive(KeyPair stark) {
        byte[] ikm = stark.privateKey().toBytes32();
        try {
            return new SealKeyPair(Primitives.hkdf(ikm, new byte[0], DERIVE_INFO, SealPublicKey.LENGTH));
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }

    /**
     * @param random the source of randomness
     * @return a fresh key pair
     */
    public static SealKeyPair generate(SecureRandom random) {
        byte[] k = new byte[SealPublicKey.LENGTH];
        random.nextBytes(k);
        try {
            return new SealKeyPair(k);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** @return the public half, which others seal to */
    public SealPublicKey publicKey() {
        return publicKey;
    }

    /** @return the X25519 shared secret with {@code other}, or null for a low-order key */
    byte[] agree(SealPublicKey other) {
        return Primitives.agree(privateKey, other.bytes());
    }


    @Override
    public String toString() {
        return "SealKeyPair[publicKey=" + publicKey.hex() + ", privateKey=(hidden)]";
    }
}
