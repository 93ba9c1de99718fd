package io.smainer.fee;

import io.smainer.chain.TokenAmount;

/**
 * How {@code submit_proof_and_claim} splits an escrow: the treasury's 12% and the 3% gas subsidy are
 * rounded down, and the provider keeps the rounding dust.
 *
 * @param escrow the amount split
 * @param treasury {@code floor(escrow * 1200 / 10000)}
 * @param gasSubsidy {@code floor(escrow * 300 / 10000)}
 * @param providerBase {@code escrow - treasury - gasSubsidy}
 */
public record FlatSplit(TokenAmount escrow, TokenAmount treasury, TokenAmount gasSubsidy, TokenAmount providerBase) {
    /** @return what the provider receives: {@code providerBase + gasSubsidy = escrow - treasury} */
    public TokenAmount providerTotal() {
        return providerBase.plus(gasSubsidy);
    }
}
