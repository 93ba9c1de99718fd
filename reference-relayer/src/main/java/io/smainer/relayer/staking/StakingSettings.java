package io.smainer.relayer.staking;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.config.Settings;
import io.smainer.escrow.Staking;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code staking.*} settings.
 *
 * @param enabled whether the policy is on (default off)
 * @param contract the staking contract; on a local network the one deployed beside the escrow, on Starknet
 *     {@link Staking#MAINNET_CONTRACT} unless set
 * @param minStake the least stake a provider needs to get tasks (default 5 STRK, the contract's floor)
 * @param spotCheckBasisPoints the share of exact-kind results recomputed, in basis points (default 1,000: 10%);
 *     {@code matmul-f32} results are all checked by Freivalds already
 * @param slashCheck how often the relayer looks whether a slash it initiated can be executed (default 60 s)
 * @param countFlush the longest active-task counts wait for a settlement batch before they are sent alone
 *     (default 300 s)
 */
public record StakingSettings(boolean enabled, Optional<ContractAddress> contract, TokenAmount minStake,
        int spotCheckBasisPoints, Duration slashCheck, Duration countFlush) {
    /** The policy's keys. */
    public static final List<String> KEYS = List.of("staking.enabled", "staking.contract", "staking.min_stake",
            "staking.spot_check_bps", "staking.slash_check_seconds", "staking.count_flush_seconds");
    /** Off. */
    public static final StakingSettings OFF = new StakingSettings(false, Optional.empty(), Staking.ABSOLUTE_MIN_STAKE,
            1000, Duration.ofSeconds(60), Duration.ofSeconds(300));

    /**
     * @param r the settings being read; problems are recorded there
     * @return the staking settings
     */
    public static StakingSettings parse(Settings.Reader r) {
        boolean enabled = r.get("staking.enabled", false, v -> {
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException("true or false");
            }
            return Boolean.parseBoolean(v);
        });
        Optional<ContractAddress> contract = r.get("staking.contract", Optional.empty(),
                v -> Optional.of(ContractAddress.parse(v)));
        TokenAmount minStake = r.get("staking.min_stake", OFF.minStake(), v -> {
            TokenAmount a = TokenAmount.parseBaseUnits("staking.min_stake", v);
            if (a.compareTo(Staking.ABSOLUTE_MIN_STAKE) < 0) {
                throw new IllegalArgumentException("base units, at least the contract's floor of 5 STRK ("
                        + Staking.ABSOLUTE_MIN_STAKE.baseUnits() + ")");
            }
            return a;
        });
        int bps = r.get("staking.spot_check_bps", OFF.spotCheckBasisPoints(), Settings.intIn(0, 10_000));
        Duration check = Duration.ofSeconds(r.get("staking.slash_check_seconds", 60, Settings.intIn(1, 86_400)));
        Duration flush = Duration.ofSeconds(r.get("staking.count_flush_seconds", 300, Settings.intIn(1, 86_400)));
        return new StakingSettings(enabled, contract, minStake, bps, check, flush);
    }

    @Override
    public String toString() {
        return enabled ? "staking.enabled=true, staking.contract=" + contract.map(ContractAddress::hex).orElse("(default)")
                + ", staking.min_stake=" + minStake.toStrkString() + ", staking.spot_check_bps=" + spotCheckBasisPoints
                : "staking.enabled=false";
    }
}
