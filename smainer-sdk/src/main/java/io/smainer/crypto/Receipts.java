package io.smainer.crypto;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The receipt hashes the deployed contract checks, and the result hash they commit to. They carry no
 * domain separation (no chain id, no contract address): that is the deployed contract's design.
 */
public final class Receipts {
    private Receipts() {
    }

    /**
     * {@code h1 = pedersen(pedersen(task_id, provider), result_hash)}, the flat receipt.
     *
     * @param crypto the implementation
     * @param taskId the on-chain task id, taken as one felt
     * @param provider the provider's account address
     * @param resultHash the result hash
     * @return h1
     */
    public static Felt flatHash(StarkCrypto crypto, U256 taskId, ContractAddress provider, Felt resultHash) {
        return crypto.pedersen(crypto.pedersen(taskId.toFelt(), provider.felt()), resultHash);
    }

    /**
     * {@code h2 = pedersen(h1, actual_cost)}, the effort receipt.
     *
     * @param crypto the implementation
     * @param taskId the on-chain task id
     * @param provider the provider's account address
     * @param resultHash the result hash
     * @param actualCost the settled cost, taken as one felt
     * @return h2
     */
    public static Felt effortHash(StarkCrypto crypto, U256 taskId, ContractAddress provider, Felt resultHash,
            TokenAmount actualCost) {
        return crypto.pedersen(flatHash(crypto, taskId, provider, resultHash), new Felt(actualCost.baseUnits()));
    }

    /**
     * The receipt a settlement checks, defined once for the signing side and the checking side: h1 when the
     * task settles flat (no cost), h2 over the cost when it settles by effort.
     *
     * @param crypto the implementation
     * @param taskId the on-chain task id
     * @param provider the provider's account address
     * @param resultHash the result hash
     * @param effortCost the settled cost for effort settlement; empty for flat
     * @return h1 or h2
     */
    public static Felt receiptHash(StarkCrypto crypto, U256 taskId, ContractAddress provider, Felt resultHash,
            Optional<TokenAmount> effortCost) {
        return effortCost.isPresent() ? effortHash(crypto, taskId, provider, resultHash, effortCost.get())
                : flatHash(crypto, taskId, provider, resultHash);
    }

    /**
     * {@code result_hash}: SHA-256 of the canonical result bytes, reduced modulo the Stark prime.
     *
     * @param result the result bytes
     * @return the felt
     */
    public static Felt resultHash(byte[] result) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(result);
            return Felt.reduce(new BigInteger(1, digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
