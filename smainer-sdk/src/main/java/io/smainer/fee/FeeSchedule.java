package io.smainer.fee;

/** The fee constants of the deployed SmainerContract, in basis points. */
public final class FeeSchedule {
    /** Treasury share of a flat settlement: 12%. */
    public static final BasisPoints TREASURY = BasisPoints.of(1_200);
    /** The part of the provider's flat payout labelled a gas subsidy: 3%. */
    public static final BasisPoints GAS_SUBSIDY = BasisPoints.of(300);
    /** What the product calls the "network fee": treasury 12% plus gas subsidy 3%. */
    public static final BasisPoints NETWORK_FEE_LABEL = BasisPoints.of(1_500);
    /** Provider share of an effort settlement's actual cost: 88%. */
    public static final BasisPoints EFFORT_PROVIDER = BasisPoints.of(8_800);
    /** Affiliate share of an effort settlement's actual cost: 6%. */
    public static final BasisPoints AFFILIATE = BasisPoints.of(600);
    /** Smallest effort score the contract accepts (1.0 in units of 1/10000). */
    public static final int MIN_EFFORT_SCORE = 10_000;
    /** Largest effort score the contract accepts (7.5). */
    public static final int MAX_EFFORT_SCORE = 75_000;
    /** Smallest tier multiplier {@code set_tier_multipliers} accepts. */
    public static final int MIN_TIER_MULTIPLIER = 10_000;
    /** Largest tier multiplier {@code set_tier_multipliers} accepts. */
    public static final int MAX_TIER_MULTIPLIER = 100_000;

    private FeeSchedule() {
    }
}
