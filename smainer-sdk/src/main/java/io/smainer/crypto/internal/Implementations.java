package io.smainer.crypto.internal;

import io.smainer.InvalidFieldException;
import io.smainer.crypto.StarkCrypto;
import java.util.List;
import java.util.Locale;

/** Chooses a {@link StarkCrypto} implementation: the fast one by default, or one named in configuration. */
public final class Implementations {
    /** The names {@link #named(String)} accepts, the default first. */
    public static final List<String> NAMES = List.of("fast", "starknet-jvm");

    private Implementations() {
    }

    /** @return the fast implementation */
    public static StarkCrypto fast() {
        return FastStarkCrypto.INSTANCE;
    }

    /**
     * @param name {@code fast} or {@code starknet-jvm} (case and surrounding blanks ignored)
     * @return the implementation of that name
     * @throws InvalidFieldException for any other name
     */
    public static StarkCrypto named(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (key) {
            case "fast":
                return FastStarkCrypto.INSTANCE;
            case "starknet-jvm":
                return StarknetJvmCrypto.INSTANCE;
            default:
                throw new InvalidFieldException("crypto", "one of " + String.join(", ", NAMES), name);
        }
    }
}
