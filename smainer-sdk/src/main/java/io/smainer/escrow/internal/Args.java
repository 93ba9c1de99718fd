package io.smainer.escrow.internal;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import java.math.BigInteger;
import java.util.List;

/**
 * Reads Cairo calldata the way a contract's ABI wrapper deserializes it: one felt per felt252,
 * ContractAddress and u8, two per u256 (low, high). A missing or out-of-range argument, or one too many,
 * reverts with {@code Failed to deserialize param #n}, as Cairo does. Not API.
 */
public final class Args {
    private static final BigInteger TWO_128 = BigInteger.ONE.shiftLeft(128);

    private final List<Felt> data;
    private int pos;
    private int param;

    Args(List<Felt> data) {
        this.data = data;
    }

    private Felt next() {
        if (pos >= data.size()) {
            throw failed();
        }
        return data.get(pos++);
    }

    private Revert failed() {
        return new Revert("Failed to deserialize param #" + Math.max(param, 1));
    }

    /** @return the next argument as a felt252 */
    public Felt felt() {
        param++;
        return next();
    }

    /** @return the next argument as a ContractAddress */
    public ContractAddress address() {
        param++;
        Felt f = next();
        if (f.value().compareTo(ContractAddress.BOUND) >= 0) {
            throw failed();
        }
        return new ContractAddress(f);
    }

    /** @return the next argument as a u8 */
    /** @return a Cairo {@code bool}: the felt 0 or 1; anything else fails to deserialize */
    public boolean bool() {
        param++;
        Felt f = next();
        if (f.value().bitLength() > 1) {
            throw failed();
        }
        return f.value().signum() != 0;
    }

    public int u8() {
        param++;
        Felt f = next();
        if (f.value().bitLength() > 8) {
            throw failed();
        }
        return f.value().intValueExact();
    }

    /** @return the next argument as a u256 (two felts, low then high) */
    public BigInteger u256() {
        param++;
        BigInteger low = next().value();
        BigInteger high = next().value();
        if (low.compareTo(TWO_128) >= 0 || high.compareTo(TWO_128) >= 0) {
            throw failed();
        }
        return high.shiftLeft(128).or(low);
    }

    /** Reverts when calldata is left over: every argument was read. */
    public void end() {
        if (pos != data.size()) {
            param++;
            throw new Revert("Failed to deserialize param #" + param);
        }
    }
}
