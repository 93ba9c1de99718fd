package io.smainer.crypto.internal;

import io.smainer.chain.Felt;

/** Conversions between the SDK's {@link Felt} and starknet-jvm's. Internal: the API never shows Kotlin types. */
public final class Felts {
    private Felts() {
    }

    /**
     * @param felt the SDK's felt
     * @return starknet-jvm's
     */
    public static com.swmansion.starknet.data.types.Felt toSn(Felt felt) {
        return new com.swmansion.starknet.data.types.Felt(felt.value());
    }

    /**
     * @param felt starknet-jvm's felt
     * @return the SDK's
     */
    public static Felt fromSn(com.swmansion.starknet.data.types.Felt felt) {
        return new Felt(felt.getValue());
    }
}
