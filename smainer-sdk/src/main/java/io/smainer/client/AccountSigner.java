package io.smainer.client;

import io.smainer.chain.Felt;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import java.util.List;

/**
 * Signs SNIP-12 message hashes as the demander's account does: returns the felts the account's SNIP-6
 * {@code is_valid_signature(hash, signature)} accepts. {@link SmainerClient} signs its task requests and reads
 * with it. For a plain account with one Stark key use {@link #of(KeyPair, StarkCrypto)} ({@code [r, s]}, which
 * {@link SmainerClient.Builder#keyPair} does for you); for an Argent account with a guardian, a Braavos hardware
 * signer or a multisig, implement it with what that account reads (for example by asking the wallet, or the
 * co-signers, to sign the hash). The relayer checks a two-felt signature against the account's Stark key when it
 * knows it, and any other through the account's {@code is_valid_signature}.
 *
 * <p>Implementations must be thread-safe: a client signs from the threads that call it.
 */
@FunctionalInterface
public interface AccountSigner {
    /**
     * @param hash the SNIP-12 message hash to sign (for the demander's account and the relayer's chain)
     * @return the signature felts, {@value io.smainer.crypto.AccountSignature#MIN_FELTS} to
     *     {@value io.smainer.crypto.AccountSignature#MAX_FELTS} of them, in the account's order
     */
    List<Felt> sign(Felt hash);

    /**
     * @param keyPair the account's Stark key
     * @param crypto the signing implementation
     * @return a signer that returns {@code [r, s]}
     */
    static AccountSigner of(KeyPair keyPair, StarkCrypto crypto) {
        return hash -> crypto.sign(keyPair.privateKey(), hash).toList();
    }
}
