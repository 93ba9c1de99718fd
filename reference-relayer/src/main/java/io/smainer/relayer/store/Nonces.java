package io.smainer.relayer.store;

import io.smainer.chain.Felt;
import java.time.Instant;

/**
 * The nonces role of the {@link RelayerStore}: a signed request's nonce is used once (set-if-absent with
 * an expiry, one atomic step).
 */
public interface Nonces {
    /**
     * Records a signed request's nonce; a second use before it expires is refused.
     *
     * @param scope whose nonce (e.g. {@code request:0xabc...}), so signers cannot block each other
     * @param nonce the nonce
     * @param expiresAt after this the signed message is void anyway, and the nonce may be forgotten
     * @return true the first time, false on a replay
     */
    boolean useNonce(String scope, Felt nonce, Instant expiresAt);
}
