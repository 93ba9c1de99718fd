package io.smainer.relayer.intake;

import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.AccountSignature;
import io.smainer.crypto.Signature;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.ChainException;
import io.smainer.escrow.SignatureCheckUnavailableException;
import io.smainer.escrow.SignatureVerdict;
import java.util.Optional;

/**
 * Checks a demander's SNIP-12 signature, of a task request or of a read. A two-felt signature is a Stark
 * {@code (r, s)}: checked against the key {@link AccountKeys} resolves for the account, else by the account's own
 * verdict through {@link AccountSignatureCheck}. Any other array (an Argent signer list, a multisig's signatures)
 * only the account can judge: it goes to {@link AccountSignatureCheck} whatever key is known. Thread-safe.
 */
public final class DemanderSignatures {
    private final StarkCrypto crypto;
    private final AccountKeys accountKeys;
    private final AccountSignatureCheck accountSignatures;

    /**
     * @param crypto signature checks
     * @param accountKeys demander keys
     * @param accountSignatures asks accounts with no resolvable key ({@link AccountSignatureCheck#NONE}: none)
     */
    public DemanderSignatures(StarkCrypto crypto, AccountKeys accountKeys, AccountSignatureCheck accountSignatures) {
        this.crypto = Require.present("crypto", crypto);
        this.accountKeys = Require.present("account_keys", accountKeys);
        this.accountSignatures = Require.present("account_signatures", accountSignatures);
    }

    /**
     * @param demander the signing account
     * @param hash the SNIP-12 message hash
     * @param signature the signature felts
     * @param what what was signed, for the messages ("the task request on SMAINER_LOCAL")
     * @throws RequestRejectedException for an unknown account or a signature that does not verify
     * @throws AccountCheckUnavailableException when the chain could not be asked about the account
     */
    public void check(ContractAddress demander, Felt hash, AccountSignature signature, String what) {
        Optional<Signature> rs = signature.stark();
        Optional<Felt> key;
        try {
            key = rs.isPresent() ? accountKeys.publicKey(demander) : Optional.empty();
        } catch (ChainException e) {
            throw unavailable(demander, "its key (get_public_key)", e);
        }
        if (key.isPresent()) {
            if (!crypto.verify(key.get(), hash, rs.get())) {
                throw new RequestRejectedException(RequestRejectedException.Reason.BAD_SIGNATURE, "signature",
                        "signature: expected the demander's SNIP-12 signature over " + what
                                + ", got one that does not verify");
            }
            return;
        }
        String noKey = "demander: no public key is registered with this relayer for " + demander.hex();
        Optional<SignatureVerdict> verdict;
        try {
            verdict = accountSignatures.check(demander, hash, signature);
        } catch (SignatureCheckUnavailableException e) {
            switch (e.kind()) {
                case NOT_DEPLOYED -> throw new RequestRejectedException(RequestRejectedException.Reason.UNKNOWN_ACCOUNT,
                        "demander", noKey + ", and no account contract is deployed there");
                case NOT_SUPPORTED -> throw new RequestRejectedException(RequestRejectedException.Reason.UNKNOWN_ACCOUNT,
                        "demander", noKey + ", and its account answers neither get_public_key nor is_valid_signature "
                                + "(SNIP-6)");
                default -> throw unavailable(demander, "whether it accepts the signature (is_valid_signature)", e);
            }
        } catch (ChainException e) {
            throw unavailable(demander, "whether it accepts the signature (is_valid_signature)", e);
        }
        if (verdict.isEmpty() && rs.isEmpty()) {
            throw new RequestRejectedException(RequestRejectedException.Reason.BAD_SIGNATURE, "signature",
                    "signature: expected [r, s] (this relayer asks no account contract, so only a Stark key's signature "
                            + "can be checked), got " + signature.size() + " felts");
        }
        if (verdict.isEmpty()) {
            throw new RequestRejectedException(RequestRejectedException.Reason.UNKNOWN_ACCOUNT, "demander", noKey);
        }
        if (!verdict.get().accepted()) {
            throw new RequestRejectedException(RequestRejectedException.Reason.BAD_SIGNATURE, "signature",
                    "signature: expected a signature the demander's account accepts over the SNIP-12 " + what
                            + ", got one it refuses (" + verdict.get().answer() + ")");
        }
    }

    /** The node's own words stay in the log (they may name the RPC endpoint); the client learns what and whom. */
    private static AccountCheckUnavailableException unavailable(ContractAddress demander, String what, ChainException e) {
        return new AccountCheckUnavailableException(demander, "demander: the chain could not be asked about account "
                + demander.hex() + ", " + what + "; nothing was recorded and the nonce is unused: send the same "
                + "request again later", e);
    }
}
