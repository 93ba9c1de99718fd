package io.smainer.relayer.store;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.Signature;
import java.util.Arrays;
import java.util.Optional;

/**
 * A provider's checked completion of a task: the result, its hash and the receipt the settlement carries.
 *
 * @param provider the provider's account, paid on settlement
 * @param result the result bytes, released only once the task is settled
 * @param resultHash the result hash the receipt commits to
 * @param signature the receipt signature (h1, or h2 for effort)
 * @param actualCost for effort settlement, the cost h2 commits to
 * @param effortScore for effort settlement, in {@code [10000, 75000]}
 * @param completedAtMillis when the relayer recorded it
 */
public record Completion(ContractAddress provider, byte[] result, Felt resultHash, Signature signature,
        Optional<TokenAmount> actualCost, Optional<Integer> effortScore, long completedAtMillis) {
    /** Validates every field. */
    public Completion {
        Require.present("provider", provider);
        Require.present("result", result);
        Require.present("result_hash", resultHash);
        Require.present("signature", signature);
        actualCost = Require.optional("actual_cost", actualCost);
        effortScore = Require.optional("effort_score", effortScore);
        if (actualCost.isPresent() != effortScore.isPresent()) {
            throw new InvalidFieldException("effort_score", "present exactly when actual_cost is",
                    effortScore.map(String::valueOf).orElse("nothing"));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Completion c && provider.equals(c.provider) && Arrays.equals(result, c.result)
                && resultHash.equals(c.resultHash) && signature.equals(c.signature) && actualCost.equals(c.actualCost)
                && effortScore.equals(c.effortScore) && completedAtMillis == c.completedAtMillis;
    }

    @Override
    public int hashCode() {
        return resultHash.hashCode() * 31 + provider.hashCode();
    }

    @Override
    public String toString() {
        return "Completion[provider=" + provider + ", result=" + result.length + " bytes, resultHash=" + resultHash
                + ", actualCost=" + actualCost + ", effortScore=" + effortScore + "]";
    }
}
