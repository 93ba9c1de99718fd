package io.smainer.crypto;

import io.smainer.chain.Felt;
import io.smainer.crypto.internal.Implementations;
import io.smainer.crypto.internal.StarknetJvmCrypto;

/**
 * The Stark-curve operations the protocol needs: key derivation, ECDSA sign and verify (RFC 6979
 * deterministic nonces), and the Pedersen hash. Implementations are thread-safe and interchangeable:
 * each verifies the other's signatures, and they agree on keys, Pedersen hashes and verdicts.
 *
 * <p>{@link #fast()} is the SDK's own implementation and the default ({@link #defaultCrypto()}). It signs as
 * StarkWare's reference does (cairo-lang's {@code generate_k_rfc6979}, @scure/starknet, starknet.js, wallets):
 * the same key and hash give byte-for-byte the signature the rest of the ecosystem produces.
 * {@link #starknetJvm()} delegates to starknet-jvm's native routines, many times slower; it is the oracle of
 * the differential tests and signs byte-for-byte as the fast one except for message hashes of 249 to 251 bits,
 * where starknet-jvm seeds the RFC 6979 nonce with the hash shifted right by 4 instead of the whole hash (its
 * signature is valid, but not the reference's).
 */
public interface StarkCrypto {
    /**
     * @param privateKey a private key in {@code [1, n)}
     * @return its public key (the x coordinate of {@code privateKey * G})
     */
    Felt publicKey(Felt privateKey);

    /**
     * Signs a message hash with RFC 6979 nonces (see the class description for the one difference between the
     * implementations).
     *
     * @param privateKey a private key in {@code [1, n)}
     * @param messageHash a hash below {@code 2^251}
     * @return the signature
     */
    Signature sign(Felt privateKey, Felt messageHash);

    /**
     * @param publicKey the signer's public key
     * @param messageHash the signed hash
     * @param signature the signature to check
     * @return true when the signature is valid; false for a wrong one or out-of-range r or s
     */
    boolean verify(Felt publicKey, Felt messageHash, Signature signature);

    /**
     * @param a first input
     * @param b second input
     * @return the Starknet Pedersen hash {@code H(a, b)}
     */
    Felt pedersen(Felt a, Felt b);

    /** @return a short name for logs and benchmarks */
    String name();

    /** @return starknet-jvm's implementation (its bundled native crypto-cpp routines) */
    static StarkCrypto starknetJvm() {
        return StarknetJvmCrypto.INSTANCE;
    }

    /** @return the SDK's own fast implementation */
    static StarkCrypto fast() {
        return Implementations.fast();
    }

    /**
     * Picks an implementation by name, for configuration files and command lines.
     *
     * @param name {@code fast} (the SDK's own) or {@code starknet-jvm} (starknet-jvm's native routines),
     *     case and surrounding blanks ignored
     * @return that implementation
     * @throws io.smainer.InvalidFieldException for any other name (field {@code crypto})
     */
    static StarkCrypto named(String name) {
        return Implementations.named(name);
    }

    /** @return the implementation the SDK uses unless told otherwise: {@link #fast()} */
    static StarkCrypto defaultCrypto() {
        return fast();
    }
}
