package io.smainer.fee;

import io.smainer.chain.TokenAmount;

/**
 * How {@code settle_with_effort} (and, with an affiliate, {@code settle_with_effort_and_affiliate})
 * splits an escrow: the provider's 88% (and the affiliate's 6%) of the actual cost are rounded down,
 * the treasury keeps the dust, and the rest of the escrow goes back to the creator.
 *
 * @param escrow the escrowed amount
 * @param actualCost the cost settled, at most the escrow
 * @param provider {@code floor(actualCost * 8800 / 10000)}
 * @param affiliate {@code floor(actualCost * 600 / 10000)} with an affiliate, else zero
 * @param treasury {@code actualCost - provider - affiliate}
 * @param refund {@code escrow - actualCost}, back to the creator
 */
public record EffortSplit(TokenAmount escrow, TokenAmount actualCost, TokenAmount provider, TokenAmount affiliate,
        TokenAmount treasury, TokenAmount refund) {
}
