package io.smainer.fee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import io.smainer.chain.TokenAmount;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FeeMathTest {

    @Test
    void flatSettlementGivesTheRoundingDustToTheProvider() {
        FlatSplit split = FeeMath.flatSplit(TokenAmount.ofBaseUnits(9_999));
        // exact shares: treasury 1199.88, gas subsidy 299.97; both round down
        assertThat(split.treasury()).isEqualTo(TokenAmount.ofBaseUnits(1_199));
        assertThat(split.gasSubsidy()).isEqualTo(TokenAmount.ofBaseUnits(299));
        assertThat(split.providerTotal()).isEqualTo(TokenAmount.ofBaseUnits(8_800));
    }

    @Test
    void effortSettlementGivesTheRoundingDustToTheTreasury() {
        EffortSplit split = FeeMath.effortSplit(TokenAmount.ofBaseUnits(20_000), TokenAmount.ofBaseUnits(9_999));
        // exact provider share 8799.12 rounds down; the treasury keeps 1199.88 + 0.12
        assertThat(split.provider()).isEqualTo(TokenAmount.ofBaseUnits(8_799));
        assertThat(split.treasury()).isEqualTo(TokenAmount.ofBaseUnits(1_200));
        assertThat(split.refund()).isEqualTo(TokenAmount.ofBaseUnits(10_001));
    }

    @Test
    void everySplitSumsExactlyToWhatItSplitsForRandomAmounts() {
        Random random = new Random(42);
        for (int i = 0; i < 50_000; i++) {
            BigInteger a = new BigInteger(1 + random.nextInt(240), random);
            BigInteger c = a.signum() == 0 ? BigInteger.ZERO : new BigInteger(a.bitLength(), random).mod(a.add(BigInteger.ONE));
            TokenAmount escrow = TokenAmount.ofBaseUnits(a);
            TokenAmount cost = TokenAmount.ofBaseUnits(c);

            FlatSplit flat = FeeMath.flatSplit(escrow);
            assertThat(flat.treasury().plus(flat.gasSubsidy()).plus(flat.providerBase())).isEqualTo(escrow);
            assertThat(flat.providerTotal().plus(flat.treasury())).isEqualTo(escrow);

            EffortSplit effort = FeeMath.effortSplit(escrow, cost);
            assertThat(effort.provider().plus(effort.treasury())).isEqualTo(cost);
            assertThat(effort.provider().plus(effort.treasury()).plus(effort.refund())).isEqualTo(escrow);

            EffortSplit aff = FeeMath.affiliateSplit(escrow, cost);
            assertThat(aff.provider().plus(aff.affiliate()).plus(aff.treasury()).plus(aff.refund())).isEqualTo(escrow);
            assertThat(aff.treasury().baseUnits().signum()).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void tierAdjustmentStaysBetweenBaseAndTenTimesBase() {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            int m = FeeSchedule.MIN_TIER_MULTIPLIER + random.nextInt(FeeSchedule.MAX_TIER_MULTIPLIER - FeeSchedule.MIN_TIER_MULTIPLIER + 1);
            BigInteger max = FeeMath.maxBase(BasisPoints.of(m));
            BigInteger b = new BigInteger(max.bitLength(), random).mod(max.add(BigInteger.ONE));
            TokenAmount adjusted = FeeMath.adjust(TokenAmount.ofBaseUnits(b), BasisPoints.of(m));
            assertThat(adjusted.baseUnits()).isBetween(b, b.multiply(BigInteger.TEN));
        }
    }

    @Test
    void refusesAnEffortCostAboveTheEscrow() {
        assertThatThrownBy(() -> FeeMath.effortSplit(TokenAmount.ofBaseUnits(100), TokenAmount.ofBaseUnits(101)))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("actual_cost")
                .hasMessageContaining("Exceeds escrowed amount");
    }

    @Test
    void refusesAMultiplierOutsideTheContractsRange() {
        assertThatThrownBy(() -> FeeMath.adjust(TokenAmount.ONE_STRK, BasisPoints.of(9_999)))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("tier_multiplier");
    }

    @Test
    void quoteShowsTheNetworkFeeLabelAsTreasuryPlusGasSubsidy() {
        Quote q = FeeMath.quote(TokenAmount.parseStrk("1"), Tier.PRO);
        assertThat(q.escrow()).isEqualTo(TokenAmount.parseStrk("2.2"));
        assertThat(q.treasury()).isEqualTo(TokenAmount.parseStrk("0.264"));
        assertThat(q.gasSubsidy()).isEqualTo(TokenAmount.parseStrk("0.066"));
        assertThat(q.provider()).isEqualTo(TokenAmount.parseStrk("1.936"));
        assertThat(q.networkFeeLabel()).isEqualTo(TokenAmount.parseStrk("0.33"));
    }

    @Test
    void effortScoreFollowsTheDeployedFormulaAndIsClampedToTheContractsRange() {
        // 0.3*(1000/100) + 0.5*(512/256) + 0.2*(20/10) + 0.2 = 3 + 1 + 0.4 + 0.2 = 4.6
        assertThat(EffortPricing.effortScore(1_000, 512, 20_000, 7)).isEqualTo(46_000);
        assertThat(EffortPricing.effortScore(0, 0, 0, 7)).isEqualTo(FeeSchedule.MIN_EFFORT_SCORE);
        assertThat(EffortPricing.effortScore(128_000, 16_000, 3_600_000, 500)).isEqualTo(FeeSchedule.MAX_EFFORT_SCORE);
    }

    @Test
    void actualCostIsClampedBetweenTheMinimumAndTheEscrow() {
        TokenAmount escrow = TokenAmount.parseStrk("0.5");
        assertThat(EffortPricing.actualCost(EffortPricing.BASE_PRICE, Tier.BASIC.defaultMultiplier(), 46_000, escrow))
                .isEqualTo(TokenAmount.parseStrk("0.46"));
        assertThat(EffortPricing.actualCost(EffortPricing.BASE_PRICE, Tier.PREMIUM.defaultMultiplier(), 46_000, escrow))
                .isEqualTo(escrow);
        assertThat(EffortPricing.actualCost(TokenAmount.ofBaseUnits(1), Tier.BASIC.defaultMultiplier(), 10_000, escrow))
                .isEqualTo(EffortPricing.MIN_COST);
    }
}
