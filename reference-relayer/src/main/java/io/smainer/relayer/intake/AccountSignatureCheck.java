package io.smainer.relayer.intake;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.AccountSignature;
import io.smainer.escrow.SignatureCheckUnavailableException;
import io.smainer.escrow.SignatureVerdict;
import io.smainer.escrow.StarknetEscrow;
import java.util.Optional;

/**
 * Asks a demander's account contract whether it accepts a request signature, for accounts whose key
 * {@link AccountKeys} cannot resolve (no {@code demander_keys} entry, no {@code get_public_key}): Argent's,
 * Braavos', multisigs; and for every signature that is not two felts, which no key can check. On Starknet this is SNIP-6 {@code is_valid_signature}, one {@code starknet_call} per
 * request; nothing is remembered, so each request is asked about afresh. Implementations are thread-safe.
 */
@FunctionalInterface
public interface AccountSignatureCheck {
    /** Cannot ask any account (the local network): an account with no resolvable key cannot submit. */
    AccountSignatureCheck NONE = (account, hash, signature) -> Optional.empty();

    /**
     * @param account the demander account
     * @param hash the SNIP-12 request hash it signed
     * @param signature the request's signature felts, as the account reads them
     * @return the account's verdict, or empty when this relayer has no way to ask accounts
     * @throws SignatureCheckUnavailableException when the account could not be asked
     * @throws io.smainer.escrow.ChainException when the chain could not be read
     */
    Optional<SignatureVerdict> check(ContractAddress account, Felt hash, AccountSignature signature);

    /**
     * @param escrow the Starknet client that asks
     * @return checks by {@link StarknetEscrow#isValidSignature} with the signature's felts
     */
    static AccountSignatureCheck snip6(StarknetEscrow escrow) {
        return (account, hash, signature) -> Optional.of(escrow.isValidSignature(account, hash, signature.felts()));
    }
}
