package io.smainer.crypto.internal;

import io.smainer.crypto.StarkCrypto;

/** Chooses the fast implementation. Until it lands, the fast one is starknet-jvm's. */
public final class Implementations {
    private Implementations() {
    }

    /** @return the fast implementation */
    public static StarkCrypto fast() {
        return StarknetJvmCrypto.INSTANCE;
    }
}
