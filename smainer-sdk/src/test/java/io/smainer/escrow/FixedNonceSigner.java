package io.smainer.escrow;

import io.smainer.chain.Felt;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Signature;
import io.smainer.crypto.StarkCrypto;
import java.math.BigInteger;

/**
 * Stark ECDSA signatures with one fixed nonce {@code k}: {@code r = (k*G).x}, {@code s = k^-1 (z + r*d) mod n}.
 * They are real signatures that any verifier accepts, made with one modular inverse instead of a scalar
 * multiplication. A fixed nonce gives the private key away to anyone holding two signatures, so this is
 * for tests that sign thousands of receipts and for nothing else.
 */
final class FixedNonceSigner {
    private static final BigInteger N = KeyPair.CURVE_ORDER;
    private static final BigInteger TWO_251 = BigInteger.ONE.shiftLeft(251);

    private final StarkCrypto crypto;
    private final BigInteger d;
    private final BigInteger k;
    private final BigInteger kInverse;
    private final BigInteger r;

    FixedNonceSigner(StarkCrypto crypto, KeyPair key, BigInteger nonce) {
        this.crypto = crypto;
        this.d = key.privateKey().value();
        this.k = nonce;
        this.kInverse = nonce.modInverse(N);
        this.r = crypto.publicKey(Felt.of(nonce)).value();
    }

    Signature sign(Felt hash) {
        BigInteger s = kInverse.multiply(hash.value().add(r.multiply(d))).mod(N);
        if (s.signum() == 0 || s.modInverse(N).compareTo(TWO_251) >= 0 || hash.value().compareTo(TWO_251) >= 0) {
            return crypto.sign(Felt.of(d), hash); // out of the verifier's ranges: sign the slow way
        }
        return new Signature(Felt.of(r), Felt.of(s));
    }

    @Override
    public String toString() {
        return "FixedNonceSigner[k=(hidden), " + k.bitLength() + " bits]";
    }
}
