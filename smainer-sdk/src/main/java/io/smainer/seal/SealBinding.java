package io.smainer.seal;

import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Signature;
import io.smainer.crypto.Snip12;
import io.smainer.crypto.StarkCrypto;

/**
 * A provider's sealing key and its Stark signature over the SNIP-12 {@code SmainerSealKey} message
 * ({@link Snip12#sealKeyHash}), which binds the key to the provider's account: published in its login and in
 * {@code GET /nodes}, checked by the relayer at login and by a demander's client, each against the key registered on
 * chain for the account, so a relayer cannot put its own key in a provider's place.
 *
 * @param key the X25519 public key
 * @param signature the provider's signature over the binding message
 */
public record SealBinding(SealPublicKey key, Signature signature) {
    /** Checks presence. */
    public SealBinding {
        Require.present("seal.key", key);
        Require.present("seal.signature", signature);
    }

    /**
     * @param crypto signs
     * @param domain the relayer's domain (its chain)
     * @param provider the provider's account
     * @param starkKeys the key registered on chain for it
     * @param sealKeys the sealing key to publish
     * @return the binding
     */
    public static SealBinding sign(StarkCrypto crypto, Snip12.Domain domain, ContractAddress provider, KeyPair starkKeys,
            SealKeyPair sealKeys) {
        Felt hash = Snip12.sealKeyHash(domain, provider, sealKeys.publicKey().bytes());
        return new SealBinding(sealKeys.publicKey(), crypto.sign(starkKeys.privateKey(), hash));
    }

    /**
     * @param crypto verifies
     * @param domain the domain it was signed in
     * @param provider the account it claims
     * @param starkPublicKey the key registered on chain for the account
     * @return whether the account's key signed this sealing key
     */
    public boolean verifies(StarkCrypto crypto, Snip12.Domain domain, ContractAddress provider, Felt starkPublicKey) {
        return crypto.verify(starkPublicKey, Snip12.sealKeyHash(domain, provider, key.bytes()), signature);
    }
}
