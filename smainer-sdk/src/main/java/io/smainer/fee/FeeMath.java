package io.smainer.fee;

import io.smainer.InvalidFieldException;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import java.math.BigInteger;

/**
 * The deployed contract's money rules, in exact integer arithmetic on base units. Each path keeps the
 * contract's own rounding direction: flat settlement gives the dust to the provider, effort settlement
 * to the treasury. Every split sums exactly to what it splits. Amounts whose intermediate product would
 * overflow a Cairo {@code u256} are refused, as the contract's arithmetic would panic on them.
 */
public final class FeeMath {
    private static final BigInteger TWO_POW_255 = BigInteger.ONE.shiftLeft(255);
    private static final BigInteger TEN = BigInteger.TEN;

    /** Largest escrow {@link #flatSplit} accepts: {@code escrow * 1200} must fit a u256. */
    public static final BigInteger MAX_FLAT_ESCROW = U256.MAX_VALUE.divide(BigInteger.valueOf(1_200));
    /** Largest actual cost the effort paths accept: {@code cost * 8800} must fit a u256. */
    public static final BigInteger MAX_EFFORT_COST = U256.MAX_VALUE.divide(BigInteger.valueOf(8_800));

    private FeeMath() {
    }

    /**
     * The escrow a tiered task locks: {@code floor(base * multiplier / 10000)}, with the contract's
     * bounds ({@code base <= 2^255 / multiplier}, {@code base <= adjusted <= 10 * base}).
     *
     * @param base the base amount
     * @param multiplier the tier multiplier, in {@code [10000, 100000]}
     * @return the adjusted amount the creator pays
     */
    public static TokenAmount adjust(TokenAmount base, BasisPoints multiplier) {
        int m = multiplier.value();
        if (m < FeeSchedule.MIN_TIER_MULTIPLIER || m > FeeSchedule.MAX_TIER_MULTIPLIER) {
            throw new InvalidFieldException("tier_multiplier", "in [10000, 100000]", m);
        }
        BigInteger b = base.baseUnits();
        BigInteger max = maxBase(multiplier);
        if (b.compareTo(max) > 0) {
            throw new InvalidFieldException("base_amount", "at most 2^255 / " + m + " = " + max, b);
        }
        BigInteger adjusted = multiplier.floorOf(b);
        if (adjusted.compareTo(b) < 0 || adjusted.compareTo(b.multiply(TEN)) > 0) {
            throw new InvalidFieldException("adjusted_amount", "between base and 10 * base", adjusted);
        }
        return TokenAmount.ofBaseUnits(adjusted);
    }

    /**
     * @param base the base amount
     * @param tier the tier, at its deployed default multiplier
     * @return the adjusted amount the creator pays
     */
    public static TokenAmount adjust(TokenAmount base, Tier tier) {
        return adjust(base, tier.defaultMultiplier());
    }

    /**
     * @param multiplier a tier multiplier
     * @return the largest base amount the contract accepts with it, {@code floor(2^255 / multiplier)}
     */
    public static BigInteger maxBase(BasisPoints multiplier) {
        return TWO_POW_255.divide(BigInteger.valueOf(multiplier.value()));
    }

    /**
     * The flat split of {@code submit_proof_and_claim}.
     *
     * @param escrow the escrowed amount
     * @return treasury 12% and gas subsidy 3% rounded down; the provider keeps the dust
     */
    public static FlatSplit flatSplit(TokenAmount escrow) {
        BigInteger a = escrow.baseUnits();
        if (a.compareTo(MAX_FLAT_ESCROW) > 0) {
            throw new InvalidFieldException("amount", "at most (2^256-1)/1200 = " + MAX_FLAT_ESCROW, a);
        }
        BigInteger treasury = FeeSchedule.TREASURY.floorOf(a);
        BigInteger gas = FeeSchedule.GAS_SUBSIDY.floorOf(a);
        return new FlatSplit(escrow, TokenAmount.ofBaseUnits(treasury), TokenAmount.ofBaseUnits(gas),
                TokenAmount.ofBaseUnits(a.subtract(treasury).subtract(gas)));
    }

    /**
     * The split of {@code settle_with_effort}.
     *
     * @param escrow the escrowed amount
     * @param actualCost the settled cost, at most the escrow
     * @return provider 88% rounded down, the treasury keeps the dust, the rest refunded
     */
    public static EffortSplit effortSplit(TokenAmount escrow, TokenAmount actualCost) {
        return effortSplit(escrow, actualCost, false);
    }

    /**
     * The split of {@code settle_with_effort_and_affiliate} with a non-zero affiliate (with a zero
     * affiliate the contract uses {@link #effortSplit(TokenAmount, TokenAmount)}).
     *
     * @param escrow the escrowed amount
     * @param actualCost the settled cost, at most the escrow
     * @return provider 88% and affiliate 6% rounded down, the treasury keeps the rest, the rest refunded
     */
    public static EffortSplit affiliateSplit(TokenAmount escrow, TokenAmount actualCost) {
        return effortSplit(escrow, actualCost, true);
    }

    private static EffortSplit effortSplit(TokenAmount escrow, TokenAmount actualCost, boolean affiliate) {
        BigInteger c = actualCost.baseUnits();
        if (c.compareTo(escrow.baseUnits()) > 0) {
            throw new InvalidFieldException("actual_cost", "at most the escrowed " + escrow + " base units (Exceeds escrowed amount)", c);
        }
        if (c.compareTo(MAX_EFFORT_COST) > 0) {
            throw new InvalidFieldException("actual_cost", "at most (2^256-1)/8800 = " + MAX_EFFORT_COST, c);
        }
        BigInteger provider = FeeSchedule.EFFORT_PROVIDER.floorOf(c);
        BigInteger aff = affiliate ? FeeSchedule.AFFILIATE.floorOf(c) : BigInteger.ZERO;
        return new EffortSplit(escrow, actualCost, TokenAmount.ofBaseUnits(provider), TokenAmount.ofBaseUnits(aff),
                TokenAmount.ofBaseUnits(c.subtract(provider).subtract(aff)), escrow.minus(actualCost));
    }

    /**
     * A quote at the tier's deployed multiplier.
     *
     * @param base the base price
     * @param tier the tier
     * @return escrow total, provider payout (of which gas subsidy) and treasury fee
     */
    public static Quote quote(TokenAmount base, Tier tier) {
        return quote(base, tier, tier.defaultMultiplier());
    }

    /**
     * A quote at an explicit multiplier (the owner may change multipliers on-chain).
     *
     * @param base the base price
     * @param tier the tier
     * @param multiplier the multiplier in force for that tier
     * @return escrow total, provider payout (of which gas subsidy) and treasury fee
     */
    public static Quote quote(TokenAmount base, Tier tier, BasisPoints multiplier) {
        TokenAmount escrow = adjust(base, multiplier);
        FlatSplit split = flatSplit(escrow);
        return new Quote(base, tier, multiplier, escrow, split.providerTotal(), split.gasSubsidy(), split.treasury());
    }
}
