package io.smainer.crypto.internal;

import com.swmansion.starknet.crypto.StarknetCurve;
import com.swmansion.starknet.crypto.StarknetCurveSignature;
import io.smainer.chain.Felt;
import io.smainer.crypto.Signature;
import io.smainer.crypto.StarkCrypto;

/** {@link StarkCrypto} on starknet-jvm's {@code StarknetCurve}: the oracle for the fast implementation. */
public final class StarknetJvmCrypto implements StarkCrypto {
    /** The one instance; it holds no state. */
    public static final StarknetJvmCrypto INSTANCE = new StarknetJvmCrypto();

    private StarknetJvmCrypto() {
    }

    @Override
    public Felt publicKey(Felt privateKey) {
        return Felts.fromSn(StarknetCurve.getPublicKey(Felts.toSn(privateKey)));
    }

    @Override
    public Signature sign(Felt privateKey, Felt messageHash) {
        StarknetCurveSignature sig =
                StarknetCurve.sign(Felts.toSn(privateKey), Felts.toSn(messageHash));
        return new Signature(Felts.fromSn(sig.getR()), Felts.fromSn(sig.getS()));
    }

    @Override
    public boolean verify(Felt publicKey, Felt messageHash, Signature signature) {
        try {
            return StarknetCurve.verify(Felts.toSn(publicKey), Felts.toSn(messageHash),
                    Felts.toSn(signature.r()), Felts.toSn(signature.s()));
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public Felt pedersen(Felt a, Felt b) {
        return Felts.fromSn(StarknetCurve.pedersen(Felts.toSn(a), Felts.toSn(b)));
    }

    @Override
    public String name() {
        return "starknet-jvm";
    }
}
