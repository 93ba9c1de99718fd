package io.smainer.chain;

import io.smainer.InvalidFieldException;
import java.math.BigInteger;

/**
 * A Starknet contract (or account) address: a felt below {@code 2^251}.
 *
 * @param felt the address as a field element
 */
public record ContractAddress(Felt felt) implements Comparable<ContractAddress> {
    /** Addresses are below {@code 2^251}. */
    public static final BigInteger BOUND = BigInteger.ONE.shiftLeft(251);
    /** The zero address, which Cairo code uses for "none". */
    public static final ContractAddress ZERO = new ContractAddress(Felt.ZERO);
    /** STRK, the ERC-20 the escrow takes by default (18 decimals). */
    public static final ContractAddress STRK_TOKEN =
            parse("0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d");
    /** The SmainerContract deployed on Starknet mainnet. */
    public static final ContractAddress SMAINER_MAINNET =
            parse("0x044bf558b2e5ba7b3b24a18ff4944833ef9526b47907bcbdcbf94c33f4431abe");

    /** Validates the range. */
    public ContractAddress {
        if (felt == null || felt.value().compareTo(BOUND) >= 0) {
            throw new InvalidFieldException("address", "a felt below 2^251", felt);
        }
    }

    /**
     * @param text {@code 0x} hex or decimal
     * @return the address
     */
    public static ContractAddress parse(String text) {
        try {
            return new ContractAddress(Felt.parse(text));
        } catch (InvalidFieldException e) {
            throw new InvalidFieldException("address", "a 0x-prefixed hex below 2^251", text);
        }
    }

    /**
     * @param value the address as an integer
     * @return the address
     */
    public static ContractAddress of(long value) {
        return new ContractAddress(Felt.of(value));
    }

    /** @return true for the zero address */
    public boolean isZero() {
        return felt.value().signum() == 0;
    }

    /** @return the address as 64 hex digits with a {@code 0x} prefix, the form block explorers show */
    public String hex() {
        return Numbers.hex(felt.value(), 64);
    }

    @Override
    public int compareTo(ContractAddress other) {
        return felt.compareTo(other.felt);
    }

    @Override
    public String toString() {
        return hex();
    }
}
