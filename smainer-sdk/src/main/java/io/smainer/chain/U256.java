package io.smainer.chain;

import io.smainer.InvalidFieldException;
import java.math.BigInteger;
import java.util.List;

/**
 * Cairo's {@code u256}: an integer in {@code [0, 2^256)}, sent as two felts, the low 128 bits first.
 *
 * @param value the integer
 */
public record U256(BigInteger value) implements Comparable<U256> {
    /** {@code 2^256 - 1}. */
    public static final BigInteger MAX_VALUE = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
    /** Zero. */
    public static final U256 ZERO = new U256(BigInteger.ZERO);
    private static final BigInteger MASK_128 = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    /** Validates the range. */
    public U256 {
        if (value == null || value.signum() < 0 || value.compareTo(MAX_VALUE) > 0) {
            throw new InvalidFieldException("u256", "an integer in [0, 2^256)", value);
        }
    }

    /**
     * @param value a non-negative integer
     * @return the u256
     */
    public static U256 of(long value) {
        return new U256(BigInteger.valueOf(value));
    }

    /**
     * @param value an integer in {@code [0, 2^256)}
     * @return the u256
     */
    public static U256 of(BigInteger value) {
        return new U256(value);
    }

    /**
     * @param text {@code 0x} hex or decimal
     * @return the u256
     */
    public static U256 parse(String text) {
        return new U256(Numbers.parse("u256", text));
    }

    /**
     * Rebuilds a u256 from its calldata halves.
     *
     * @param low the low 128 bits
     * @param high the high 128 bits
     * @return the u256
     */
    public static U256 fromParts(Felt low, Felt high) {
        if (low.value().bitLength() > 128) {
            throw new InvalidFieldException("u256.low", "at most 128 bits", low.hex());
        }
        if (high.value().bitLength() > 128) {
            throw new InvalidFieldException("u256.high", "at most 128 bits", high.hex());
        }
        return new U256(high.value().shiftLeft(128).or(low.value()));
    }

    /** @return the low 128 bits */
    public Felt low() {
        return new Felt(value.and(MASK_128));
    }

    /** @return the high 128 bits */
    public Felt high() {
        return new Felt(value.shiftRight(128));
    }

    /** @return {@code [low, high]}, as Starknet calldata encodes a u256 */
    public List<Felt> toCalldata() {
        return List.of(low(), high());
    }

    /**
     * The value as one felt, as the receipt hashes take the task id and the cost.
     *
     * @return the felt
     * @throws InvalidFieldException when the value is not below the Stark prime
     */
    public Felt toFelt() {
        return new Felt(value);
    }

    @Override
    public int compareTo(U256 other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
