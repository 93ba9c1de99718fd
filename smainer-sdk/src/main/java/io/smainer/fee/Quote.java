package io.smainer.fee;

import io.smainer.chain.TokenAmount;

/**
 * What a demander sees before paying: the base price, the tier, the escrow total the creator pays
 * (fees are carved out of it, never added), and how a flat settlement of it would be split.
 *
 * @param base the base price
 * @param tier the tier
 * @param multiplier the tier multiplier applied
 * @param escrow {@code floor(base * multiplier / 10000)}: what the creator pays
 * @param provider what the provider receives (including the gas subsidy)
 * @param gasSubsidy the part of {@code provider} labelled a gas subsidy
 * @param treasury the treasury's fee
 */
public record Quote(TokenAmount base, Tier tier, BasisPoints multiplier, TokenAmount escrow, TokenAmount provider,
        TokenAmount gasSubsidy, TokenAmount treasury) {
    /** @return the "network fee" the product shows: treasury plus gas subsidy (the 15% label) */
    public TokenAmount networkFeeLabel() {
        return treasury.plus(gasSubsidy);
    }
}
