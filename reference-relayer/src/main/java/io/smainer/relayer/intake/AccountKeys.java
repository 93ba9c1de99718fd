package io.smainer.relayer.intake;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import java.util.Map;
import java.util.Optional;

/**
 * Where the relayer finds the Stark public key a demander account signs requests with.
 *
 * <p>A Starknet account is a contract, and the contract decides what a valid signature is
 * ({@code is_valid_signature}); the {@code Escrow} interface cannot read an account's key. The relayer
 * checks a demander's SNIP-12 request against a key it resolves here when it can (no chain call per
 * request): keys an operator registered for known demander accounts (configuration), on Starknet the key
 * the account reports ({@link ChainAccountKeys}), and on the local network the keys the in-process ledger's
 * accounts were created with. For an account with no resolvable key the relayer asks the account itself
 * ({@link AccountSignatureCheck}, on Starknet only); where it cannot, the account cannot submit.
 * The escrow check then ties the signer to the money: the escrow's on-chain creator must be that same
 * account. See {@code docs/trust-model.md}.
 */
@FunctionalInterface
public interface AccountKeys {
    /** Knows no account. */
    AccountKeys NONE = a -> Optional.empty();

    /**
     * @param account a demander account
     * @return the public key its request signatures are checked against
     */
    Optional<Felt> publicKey(ContractAddress account);

    /**
     * @param keys account to public key
     * @return a fixed registry
     */
    static AccountKeys of(Map<ContractAddress, Felt> keys) {
        Map<ContractAddress, Felt> copy = Map.copyOf(keys);
        return a -> Optional.ofNullable(copy.get(a));
    }

    /**
     * @param next asked when this one does not know the account
     * @return both, this one first
     */
    default AccountKeys or(AccountKeys next) {
        return a -> {
            Optional<Felt> k = publicKey(a);
            return k.isPresent() ? k : next.publicKey(a);
        };
    }
}
