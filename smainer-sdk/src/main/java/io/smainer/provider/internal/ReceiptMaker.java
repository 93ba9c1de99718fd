package io.smainer.provider.internal;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.StarkCrypto;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.EffortPricing;
import io.smainer.job.JobResult;
import io.smainer.protocol.EffortMetrics;
import io.smainer.protocol.Messages;
import io.smainer.protocol.SettlementMode;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes the signed {@code task_completed} the escrow contract checks: h1 over the result for flat
 * settlement; for effort settlement the cost the run's effort metrics earn (its run time as GPU time when it
 * reported none), priced as the relayer prices it, and h2 over that cost. A pure function of its inputs.
 * Immutable. Not API.
 *
 * @param crypto the Stark-curve implementation that signs
 * @param address the provider's account (the address the receipt names)
 * @param keyPair the key registered on-chain for it
 * @param fallbackBasePrice the effort base price for assignments that name none (older relayers)
 */
public record ReceiptMaker(StarkCrypto crypto, ContractAddress address, KeyPair keyPair, TokenAmount fallbackBasePrice) {
    /** Checks presence. */
    public ReceiptMaker {
        Objects.requireNonNull(crypto, "crypto");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(keyPair, "keyPair");
        Objects.requireNonNull(fallbackBasePrice, "fallbackBasePrice");
    }

    /**
     * @param task the assignment
     * @param multiplier the tier multiplier an effort receipt is priced with
     * @param result the run's result
     * @return the signed completion, under a fresh message id
     */
    public Messages.TaskCompleted completion(Messages.TaskAssigned task, BasisPoints multiplier, JobResult result) {
        byte[] output = result.output();
        Felt resultHash = Receipts.resultHash(output);
        Optional<EffortMetrics> metrics = result.effort();
        Optional<TokenAmount> cost = Optional.empty();
        if (task.settlement() == SettlementMode.EFFORT) {
            EffortMetrics m = metrics.orElseGet(() -> new EffortMetrics(0, 0,
                    Math.min(EffortPricing.MAX_GPU_MILLIS, result.ran().toMillis()), 0));
            metrics = Optional.of(m);
            cost = Optional.of(effortCost(task, multiplier, m));
        }
        Felt hash = Receipts.receiptHash(crypto, task.escrowId(), address, resultHash, cost);
        return new Messages.TaskCompleted(Messages.newId(), task.taskId(), output, resultHash,
                crypto.sign(keyPair.privateKey(), hash), metrics, cost);
    }

    /**
     * @param task an effort assignment
     * @param multiplier the tier multiplier
     * @param metrics the run's effort
     * @return the cost the receipt commits to: the relayer's base price when the assignment names it, else
     *     this node's, clamped to the escrowed amount
     */
    public TokenAmount effortCost(Messages.TaskAssigned task, BasisPoints multiplier, EffortMetrics metrics) {
        TokenAmount base = task.effortBasePrice().orElse(fallbackBasePrice);
        return EffortPricing.actualCost(base, multiplier, metrics.effortScore(), task.escrowAmount());
    }
}
