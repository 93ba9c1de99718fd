package io.smainer.fee;

import io.smainer.InvalidFieldException;
import java.util.Locale;

/**
 * The three task tiers and the multipliers the deployed contract starts with. The on-chain code is the
 * tier's {@link #code()} ({@code required_tier: u8}).
 */
public enum Tier {
    /** Tier 1, multiplier 1.0x. */
    BASIC(1, 10_000),
    /** Tier 2, multiplier 2.2x. */
    PRO(2, 22_000),
    /** Tier 3, multiplier 3.5x. */
    PREMIUM(3, 35_000);

    private final int code;
    private final BasisPoints multiplier;

    Tier(int code, int multiplierBps) {
        this.code = code;
        this.multiplier = BasisPoints.of(multiplierBps);
    }

    /** @return the contract's {@code required_tier} value */
    public int code() {
        return code;
    }

    /** @return the deployed default multiplier */
    public BasisPoints defaultMultiplier() {
        return multiplier;
    }

    /** @return the lower-case name used on the wire: basic, pro, premium */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param code 1, 2 or 3
     * @return the tier
     */
    public static Tier fromCode(int code) {
        for (Tier t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new InvalidFieldException("tier", "1 (basic), 2 (pro) or 3 (premium)", code);
    }

    /**
     * @param name basic, pro or premium (any case)
     * @return the tier
     */
    public static Tier parse(String name) {
        if (name != null) {
            for (Tier t : values()) {
                if (t.wireName().equalsIgnoreCase(name.trim())) {
                    return t;
                }
            }
        }
        throw new InvalidFieldException("tier", "basic, pro or premium", name);
    }
}
