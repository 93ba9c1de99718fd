package io.smainer.relayer.intake;

import io.smainer.SmainerException;
import io.smainer.chain.ContractAddress;

/**
 * The chain could not be asked about a demander's account (its key, or whether it accepts the signature), so
 * the request was neither accepted nor refused and nothing was recorded: the nonce is still unused and the
 * same request may be sent again (503).
 */
public final class AccountCheckUnavailableException extends SmainerException {
    private static final long serialVersionUID = 1L;

    private final ContractAddress account;

    /**
     * @param account the demander account
     * @param message what could not be asked, naming the account
     * @param cause the chain's error
     */
    public AccountCheckUnavailableException(ContractAddress account, String message, Throwable cause) {
        super(message, cause);
        this.account = account;
    }

    /** @return the demander account */
    public ContractAddress account() {
        return account;
    }
}
