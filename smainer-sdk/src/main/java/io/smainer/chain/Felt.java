package io.smainer.chain;

import io.smainer.InvalidFieldException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * A Starknet field element: an integer in {@code [0, P)} with {@code P = 2^251 + 17*2^192 + 1}.
 *
 * @param value the integer, validated below the Stark prime
 */
public record Felt(BigInteger value) implements Comparable<Felt> {
    /** The Stark prime, {@code 2^251 + 17*2^192 + 1}. */
    public static final BigInteger PRIME =
            BigInteger.TWO.pow(251).add(BigInteger.valueOf(17).shiftLeft(192)).add(BigInteger.ONE);
    /** Zero. */
    public static final Felt ZERO = new Felt(BigInteger.ZERO);
    /** One. */
    public static final Felt ONE = new Felt(BigInteger.ONE);

    /** Validates the range. */
    public Felt {
        if (value == null) {
            throw new InvalidFieldException("felt", "an integer in [0, P)", null);
        }
        if (value.signum() < 0 || value.compareTo(PRIME) >= 0) {
            throw new InvalidFieldException("felt", "an integer in [0, P) with P = 2^251 + 17*2^192 + 1",
                    "0x" + value.toString(16));
        }
    }

    /**
     * @param value a non-negative integer below the prime
     * @return the felt
     */
    public static Felt of(long value) {
        return new Felt(BigInteger.valueOf(value));
    }

    /**
     * @param value a non-negative integer below the prime
     * @return the felt
     */
    public static Felt of(BigInteger value) {
        return new Felt(value);
    }

    /**
     * Parses {@code 0x}-prefixed hex (any case) or a decimal string.
     *
     * @param text the number
     * @return the felt
     * @throws InvalidFieldException when the text is not a number in range
     */
    public static Felt parse(String text) {
        return new Felt(Numbers.parse("felt", text));
    }

    /**
     * Reduces any non-negative integer modulo the prime.
     *
     * @param value the integer
     * @return {@code value mod P}
     */
    public static Felt reduce(BigInteger value) {
        return new Felt(value.mod(PRIME));
    }

    /**
     * Encodes a short ASCII string (at most 31 characters) the way Cairo's {@code 'short string'} does.
     *
     * @param text ASCII, at most 31 characters
     * @return the felt holding its bytes big-endian
     */
    public static Felt fromShortString(String text) {
        if (text == null || text.length() > 31 || !text.chars().allMatch(c -> c < 128)) {
            throw new InvalidFieldException("shortstring", "at most 31 ASCII characters", text);
        }
        return new Felt(new BigInteger(1, text.getBytes(StandardCharsets.US_ASCII)));
    }

    /** @return lower-case hex with a {@code 0x} prefix and no leading zeros */
    public String hex() {
        return Numbers.hex(value, 1);
    }

    /** @return the value as 32 big-endian bytes */
    public byte[] toBytes32() {
        return Numbers.toBytes32(value);
    }

    @Override
    public int compareTo(Felt other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return hex();
    }
}
