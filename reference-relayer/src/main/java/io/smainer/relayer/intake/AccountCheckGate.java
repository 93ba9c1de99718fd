package io.smainer.relayer.intake;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.escrow.ChainException;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Bounds how many demander account checks wait on the chain at once ({@code get_public_key} reads and SNIP-6
 * {@code is_valid_signature} calls, made on the HTTP thread of the {@code POST /tasks} that needs them). A
 * check past the bound is not queued: it fails at once as the chain being unavailable, which the API answers
 * with 503 {@code account_check_unavailable} (nothing recorded, the nonce unused). With a node that hangs,
 * each check holds its thread until the account-check time limit; the bound keeps the other HTTP threads free
 * for everything else. Holds no threads of its own. Thread-safe.
 */
public final class AccountCheckGate {
    private final Semaphore permits;
    private final int max;

    private AccountCheckGate(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max: expected at least 1, got " + max);
        }
        this.max = max;
        this.permits = new Semaphore(max);
    }

    /**
     * @param max checks in flight at most
     * @return a gate
     */
    public static AccountCheckGate of(int max) {
        return new AccountCheckGate(max);
    }

    /** @return checks in flight now */
    public int inFlight() {
        return max - permits.availablePermits();
    }

    /**
     * @param account the account asked about
     * @param check asks the chain
     * @param <T> the answer
     * @return its answer
     * @throws ChainException when {@code max} checks are in flight already (RPC code 0), or from the check
     */
    public <T> T run(ContractAddress account, Supplier<T> check) {
        if (!permits.tryAcquire()) {
            throw new ChainException(0, "the relayer is already waiting on the chain for " + max
                    + " account checks (starknet.account_checks_in_flight); not asking about " + account.hex(), null);
        }
        try {
            return check.get();
        } finally {
            permits.release();
        }
    }

    /**
     * @param lookup reads an account's key from the chain
     * @return the same lookup, through this gate
     */
    public Function<ContractAddress, Optional<Felt>> keys(Function<ContractAddress, Optional<Felt>> lookup) {
        return account -> run(account, () -> lookup.apply(account));
    }

    /**
     * @param check asks accounts about signatures
     * @return the same check, through this gate
     */
    public AccountSignatureCheck signatures(AccountSignatureCheck check) {
        return (account, hash, signature) -> run(account, () -> check.check(account, hash, signature));
    }
}
