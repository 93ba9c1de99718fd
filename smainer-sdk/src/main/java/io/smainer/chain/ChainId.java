package io.smainer.chain;

import io.smainer.InvalidFieldException;
import java.nio.charset.StandardCharsets;

/**
 * A Starknet chain id: a short string such as {@code SN_MAIN}, encoded as a felt.
 *
 * @param name the short string
 */
public record ChainId(String name) {
    /** Starknet mainnet. */
    public static final ChainId MAINNET = new ChainId("SN_MAIN");
    /** Starknet Sepolia testnet. */
    public static final ChainId SEPOLIA = new ChainId("SN_SEPOLIA");
    /** The chain the SDK's local network (in-process ledger and local JSON-RPC node) reports. */
    public static final ChainId LOCAL = new ChainId("SMAINER_LOCAL");

    /** Validates the name as a short string. */
    public ChainId {
        if (name == null || name.isEmpty() || name.length() > 31 || !name.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new InvalidFieldException("chain_id", "1 to 31 printable ASCII characters", name);
        }
    }

    /**
     * @param felt the chain id as a felt (as {@code starknet_chainId} returns it)
     * @return the chain id
     */
    public static ChainId fromFelt(Felt felt) {
        byte[] bytes = felt.value().toByteArray();
        int start = bytes.length > 0 && bytes[0] == 0 ? 1 : 0;
        return new ChainId(new String(bytes, start, bytes.length - start, StandardCharsets.US_ASCII));
    }

    /** @return the short string as a felt */
    public Felt felt() {
        return Felt.fromShortString(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
