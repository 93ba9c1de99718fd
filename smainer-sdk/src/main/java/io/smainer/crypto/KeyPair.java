package io.smainer.crypto;

import io.smainer.InvalidFieldException;
import io.smainer.chain.Felt;
import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * A Stark-curve key pair. {@link #toString()} never shows the private key.
 *
 * @param privateKey the secret, in {@code [1, n)}
 * @param publicKey {@code privateKey * G}, x coordinate
 */
public record KeyPair(Felt privateKey, Felt publicKey) {
    /** The order of the Stark curve's generator. */
    public static final BigInteger CURVE_ORDER =
            new BigInteger("800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2f", 16);

    /** Validates the private key's range. */
    public KeyPair {
        if (privateKey == null || privateKey.value().signum() <= 0 || privateKey.value().compareTo(CURVE_ORDER) >= 0) {
            throw new InvalidFieldException("private_key", "an integer in [1, n) for the Stark curve order n", "(hidden)");
        }
        if (publicKey == null) {
            throw new InvalidFieldException("public_key", "a felt", null);
        }
    }

    /**
     * @return a fresh key pair from a new {@link SecureRandom}, derived with {@link StarkCrypto#defaultCrypto()}
     */
    public static KeyPair generate() {
        return generate(new SecureRandom(), StarkCrypto.defaultCrypto());
    }

    /**
     * @param random the source of randomness
     * @param crypto the implementation to derive the public key with
     * @return a fresh key pair
     */
    public static KeyPair generate(SecureRandom random, StarkCrypto crypto) {
        BigInteger k;
        do {
            k = new BigInteger(252, random);
        } while (k.signum() == 0 || k.compareTo(CURVE_ORDER) >= 0);
        Felt pk = new Felt(k);
        return new KeyPair(pk, crypto.publicKey(pk));
    }

    /**
     * @param privateKey the secret
     * @param crypto the implementation to derive the public key with
     * @return the key pair
     */
    public static KeyPair fromPrivateKey(Felt privateKey, StarkCrypto crypto) {
        if (privateKey == null || privateKey.value().signum() <= 0 || privateKey.value().compareTo(CURVE_ORDER) >= 0) {
            throw new InvalidFieldException("private_key", "an integer in [1, n) for the Stark curve order n", "(hidden)");
        }
        return new KeyPair(privateKey, crypto.publicKey(privateKey));
    }

    @Override
    public String toString() {
        return "KeyPair[publicKey=" + publicKey.hex() + ", privateKey=(hidden)]";
    }
}
