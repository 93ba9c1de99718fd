package io.smainer.fee;

import io.smainer.InvalidFieldException;
import java.math.BigInteger;

/**
 * A ratio in basis points: {@code 10000} is 100%. Tier multipliers go above 100% (up to 100000).
 *
 * @param value the basis points, in {@code [0, 100000]}
 */
public record BasisPoints(int value) {
    /** The denominator, as in the contract. */
    public static final int DENOMINATOR = 10_000;
    /** Largest value the contract accepts anywhere (a tier multiplier of 10x). */
    public static final int MAX = 100_000;

    /** Validates the range. */
    public BasisPoints {
        if (value < 0 || value > MAX) {
            throw new InvalidFieldException("bps", "an integer in [0, " + MAX + "]", value);
        }
    }

    /**
     * @param value the basis points
     * @return the ratio
     */
    public static BasisPoints of(int value) {
        return new BasisPoints(value);
    }

    /**
     * {@code floor(amount * value / 10000)}.
     *
     * @param amount a non-negative integer
     * @return the share, rounded down
     */
    public BigInteger floorOf(BigInteger amount) {
        return amount.multiply(BigInteger.valueOf(value)).divide(BigInteger.valueOf(DENOMINATOR));
    }

    @Override
    public String toString() {
        return value + " bps";
    }
}
