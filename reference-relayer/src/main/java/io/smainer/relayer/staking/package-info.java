/**
 * The relayer's staking policy, off unless {@code staking.enabled=true}: providers below {@code staking.min_stake}
 * in {@code SmainerStakingContract} get no task (their login is refused with the reason), the relayer keeps the
 * contract's active-task counts (batched into its settlement multicalls) and marks lost tasks abandoned, and a
 * spot-check verifier turns a provably wrong result signed by its provider into kept, served evidence whose hash
 * is the {@code reason_hash} of an {@code initiate_slash}; the slash is executed once the contract's appeal window
 * has passed. Plain Java, no Jetty but the evidence handler.
 */
package io.smainer.relayer.staking;
