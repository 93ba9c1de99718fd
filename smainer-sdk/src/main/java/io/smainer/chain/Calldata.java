package io.smainer.chain;

import io.smainer.InvalidFieldException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds Starknet calldata: one felt per felt252, ContractAddress and u8; two felts per u256 (low, high).
 */
public final class Calldata {
    private final List<Felt> felts = new ArrayList<>();

    private Calldata() {
    }

    /** @return an empty builder */
    public static Calldata builder() {
        return new Calldata();
    }

    /**
     * @param felt a felt252
     * @return this
     */
    public Calldata felt(Felt felt) {
        felts.add(felt);
        return this;
    }

    /**
     * @param address a ContractAddress
     * @return this
     */
    public Calldata address(ContractAddress address) {
        felts.add(address.felt());
        return this;
    }

    /**
     * @param value a u256, as two felts
     * @return this
     */
    public Calldata u256(U256 value) {
        felts.addAll(value.toCalldata());
        return this;
    }

    /**
     * @param value a u8
     * @return this
     */
    public Calldata u8(int value) {
        if (value < 0 || value > 255) {
            throw new InvalidFieldException("u8", "an integer in [0, 255]", value);
        }
        felts.add(Felt.of(value));
        return this;
    }

    /** @return the calldata, immutable */
    public List<Felt> build() {
        return List.copyOf(felts);
    }
}
