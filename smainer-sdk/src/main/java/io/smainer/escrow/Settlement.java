package io.smainer.escrow;

import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.Signature;
import io.smainer.fee.EffortPricing;

/** One settlement call, with the provider's receipt signature. */
public sealed interface Settlement {
    /** @return the task settled */
    U256 taskId();

    /** @return the provider paid */
    ContractAddress provider();

    /** @return the result hash the receipt commits to */
    Felt resultHash();

    /** @return the receipt signature */
    Signature signature();

    /**
     * {@code submit_proof_and_claim}: the whole escrow, receipt h1.
     *
     * @param taskId the task
     * @param provider the provider
     * @param resultHash the result hash
     * @param signature signature over h1
     */
    record Flat(U256 taskId, ContractAddress provider, Felt resultHash, Signature signature) implements Settlement {
        /** Validates presence. */
        public Flat {
            Require.present("task_id", taskId);
            Require.present("provider", provider);
            Require.present("result_hash", resultHash);
            Require.present("signature", signature);
        }
    }

    /**
     * {@code settle_with_effort}: the actual cost, receipt h2, the rest refunded.
     *
     * @param taskId the task
     * @param provider the provider
     * @param resultHash the result hash
     * @param actualCost the cost, at most the escrow
     * @param effortScore in {@code [10000, 75000]}
     * @param signature signature over h2
     */
    record Effort(U256 taskId, ContractAddress provider, Felt resultHash, TokenAmount actualCost, int effortScore,
            Signature signature) implements Settlement {
        /** Validates presence and the score range. */
        public Effort {
            Require.present("task_id", taskId);
            Require.present("provider", provider);
            Require.present("result_hash", resultHash);
            Require.present("actual_cost", actualCost);
            EffortPricing.checkScore(effortScore);
            Require.present("signature", signature);
        }
    }

    /**
     * {@code settle_with_effort_and_affiliate}: as effort, with 6% to a non-zero affiliate.
     *
     * @param taskId the task
     * @param provider the provider
     * @param affiliate the affiliate; zero means the effort split
     * @param resultHash the result hash
     * @param actualCost the cost, at most the escrow
     * @param effortScore in {@code [10000, 75000]}
     * @param signature signature over h2
     */
    record EffortWithAffiliate(U256 taskId, ContractAddress provider, ContractAddress affiliate, Felt resultHash,
            TokenAmount actualCost, int effortScore, Signature signature) implements Settlement {
        /** Validates presence and the score range. */
        public EffortWithAffiliate {
            Require.present("task_id", taskId);
            Require.present("provider", provider);
            Require.present("affiliate", affiliate);
            Require.present("result_hash", resultHash);
            Require.present("actual_cost", actualCost);
            EffortPricing.checkScore(effortScore);
            Require.present("signature", signature);
        }
    }
}
