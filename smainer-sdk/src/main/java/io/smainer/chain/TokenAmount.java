package io.smainer.chain;

import io.smainer.InvalidFieldException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of an 18-decimal ERC-20 token (STRK) in base units: {@code 1 STRK = 10^18}. Exact integer
 * arithmetic only; parsing and formatting go through strings, never through floating point.
 *
 * @param baseUnits the amount in base units, in {@code [0, 2^256)}
 */
public record TokenAmount(BigInteger baseUnits) implements Comparable<TokenAmount> {
    /** Decimals of STRK. */
    public static final int DECIMALS = 18;
    /** Base units in one STRK. */
    public static final BigInteger ONE_STRK_UNITS = BigInteger.TEN.pow(DECIMALS);
    /** Nothing. */
    public static final TokenAmount ZERO = new TokenAmount(BigInteger.ZERO);
    /** One STRK. */
    public static final TokenAmount ONE_STRK = new TokenAmount(ONE_STRK_UNITS);
    private static final Pattern STRK = Pattern.compile("\\s*(\\d{1,60})(?:\\.(\\d{1,18}))?\\s*(?:STRK)?\\s*",
            Pattern.CASE_INSENSITIVE);

    /** Validates the range. */
    public TokenAmount {
        if (baseUnits == null || baseUnits.signum() < 0 || baseUnits.compareTo(U256.MAX_VALUE) > 0) {
            throw new InvalidFieldException("amount", "base units in [0, 2^256)", baseUnits);
        }
    }

    /**
     * @param baseUnits a non-negative count of base units
     * @return the amount
     */
    public static TokenAmount ofBaseUnits(long baseUnits) {
        return new TokenAmount(BigInteger.valueOf(baseUnits));
    }

    /**
     * @param baseUnits a non-negative count of base units
     * @return the amount
     */
    public static TokenAmount ofBaseUnits(BigInteger baseUnits) {
        return new TokenAmount(baseUnits);
    }

    /**
     * Parses a decimal string of base units, as the REST API carries amounts.
     *
     * @param field the field name for the error message
     * @param text digits only
     * @return the amount
     */
    public static TokenAmount parseBaseUnits(String field, String text) {
        if (text == null || !text.matches("\\d{1,78}")) {
            throw new InvalidFieldException(field, "a decimal string of base units", text);
        }
        try {
            return new TokenAmount(new BigInteger(text));
        } catch (InvalidFieldException e) {
            throw new InvalidFieldException(field, "base units in [0, 2^256)", text);
        }
    }

    /**
     * Parses STRK written as a person would: {@code "1.5 STRK"}, {@code "0.000000000000000001"}, {@code "12"}.
     * At most 18 decimals; more is an error, never a rounding.
     *
     * @param text the amount in STRK, with or without the unit
     * @return the exact amount in base units
     */
    public static TokenAmount parseStrk(String text) {
        Matcher m = text == null ? null : STRK.matcher(text);
        if (m == null || !m.matches()) {
            throw new InvalidFieldException("amount", "STRK with at most 18 decimals, e.g. '1.5 STRK'", text);
        }
        String frac = m.group(2) == null ? "" : m.group(2);
        BigInteger units = new BigInteger(m.group(1)).multiply(ONE_STRK_UNITS)
                .add(frac.isEmpty() ? BigInteger.ZERO : new BigInteger(frac).multiply(BigInteger.TEN.pow(DECIMALS - frac.length())));
        return new TokenAmount(units);
    }

    /** @return the amount as a u256 */
    public U256 toU256() {
        return new U256(baseUnits);
    }

    /** @return e.g. {@code "1.5 STRK"}, exact, trailing zeros dropped */
    public String toStrkString() {
        return new BigDecimal(baseUnits, DECIMALS).stripTrailingZeros().toPlainString() + " STRK";
    }

    /**
     * @param other the amount to add
     * @return the sum
     */
    public TokenAmount plus(TokenAmount other) {
        return new TokenAmount(baseUnits.add(other.baseUnits));
    }

    /**
     * @param other the amount to take away, at most this one
     * @return the difference
     */
    public TokenAmount minus(TokenAmount other) {
        if (other.baseUnits.compareTo(baseUnits) > 0) {
            throw new InvalidFieldException("amount", "at most " + baseUnits + " base units to subtract", other.baseUnits);
        }
        return new TokenAmount(baseUnits.subtract(other.baseUnits));
    }

    /** @return true when zero */
    public boolean isZero() {
        return baseUnits.signum() == 0;
    }

    @Override
    public int compareTo(TokenAmount other) {
        return baseUnits.compareTo(other.baseUnits);
    }

    /** @return the base units as a decimal string, the wire form */
    @Override
    public String toString() {
        return baseUnits.toString();
    }
}
