package io.smainer.escrow.local;

import static io.smainer.escrow.local.RpcJson.contractError;

import com.google.gson.JsonPrimitive;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.Signature;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.ContractCall;
import io.smainer.escrow.SignatureVerdict;
import io.smainer.escrow.internal.Abi;
import io.smainer.escrow.internal.RevertReasons;
import io.smainer.escrow.local.LedgerRpcServer.AccountKind;
import io.smainer.escrow.local.LedgerRpcServer.RpcError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's registered accounts, as if their account contracts were deployed: each one's key, the views its
 * {@link AccountKind} answers, and the checks of its signatures (its own invokes' and SNIP-6's).
 */
final class Accounts {
    /** A registered account: its (owner) key, what it answers, and an Argent-style account's guardian key or null. */
    private record Account(Felt key, AccountKind kind, Felt guardian) {
    }

    private final Map<ContractAddress, Account> accounts = new ConcurrentHashMap<>();
    private final StarkCrypto crypto;

    Accounts(StarkCrypto crypto) {
        this.crypto = crypto;
    }

    /** Registers (or replaces) an account; {@code guardian} only for {@link AccountKind#ARGENT}, else null. */
    void add(ContractAddress address, Felt key, AccountKind kind, Felt guardian) {
        accounts.put(address, new Account(key, kind, guardian));
    }

    boolean contains(ContractAddress address) {
        return accounts.containsKey(address);
    }

    /** @return the registered addresses */
    Set<ContractAddress> addresses() {
        return accounts.keySet();
    }

    /** @return the account's (owner) public key, as its {@code Account_public_key} storage slot holds it */
    Optional<Felt> key(ContractAddress address) {
        return Optional.ofNullable(accounts.get(address)).map(Account::key);
    }

    /**
     * A {@code starknet_call} to a registered account: the views its kind has.
     *
     * @throws RpcError {@code 21 ENTRYPOINT_NOT_FOUND} for a selector the kind does not have, {@code 40} when a
     *     signature check reverts
     */
    List<Felt> call(ContractCall c) {
        Account account = accounts.get(c.to());
        Felt sel = c.selector();
        if (sel.equals(Abi.selector(Abi.GET_PUBLIC_KEY)) && account.kind() == AccountKind.STANDARD) {
            return List.of(account.key());
        } else if (sel.equals(Abi.selector(Abi.IS_VALID_SIGNATURE)) && account.kind() != AccountKind.LEGACY) {
            return List.of(signatureValid(account, c) ? SignatureVerdict.VALID : Felt.ZERO);
        } else if (sel.equals(Abi.selector(Abi.IS_VALID_SIGNATURE_LEGACY)) && account.kind() == AccountKind.LEGACY) {
            return List.of(signatureValid(account, c) ? Felt.ONE : Felt.ZERO);
        }
        throw new RpcError(21, "Requested entrypoint does not exist in the contract", null);
    }

    /**
     * An invoke's validation: its sender is a registered account and signed its hash with the (owner) key.
     *
     * @throws RpcError {@code 55 VALIDATION_FAILURE} otherwise, with the node's words
     */
    void validate(Invoke tx) {
        Account account = accounts.get(tx.sender());
        if (account == null) {
            throw new RpcError(55, "Account validation failed",
                    new JsonPrimitive("Requested contract address " + tx.sender() + " is not deployed."));
        }
        if (tx.signature().size() != 2 || !crypto.verify(account.key(), tx.hash(), new Signature(tx.signature().get(0),
                tx.signature().get(1)))) {
            throw new RpcError(55, "Account validation failed", new JsonPrimitive("Transaction validation failed: "
                    + RevertReasons.encode("Account: invalid signature")));
        }
    }

    /** {@code (hash, signature: Array<felt252>)} checked against the account's key. */
    private boolean signatureValid(Account account, ContractCall c) {
        List<Felt> data = c.calldata();
        if (data.size() < 2 || data.get(1).value().bitLength() > 31
                || data.size() != 2 + data.get(1).value().intValueExact()) {
            throw contractError("Failed to deserialize param #2");
        }
        List<Felt> signature = data.subList(2, data.size());
        if (account.kind() == AccountKind.ARGENT) {
            return argentSignatureValid(account, data.get(0), signature);
        }
        if (signature.size() != 2) {
            if (account.kind() == AccountKind.SNIP6_ONLY) {
                throw contractError("invalid-signature-length");
            }
            return false;
        }
        return crypto.verify(account.key(), data.get(0), new Signature(signature.get(0), signature.get(1)));
    }

    /** An Argent-style account's check: the signer list or the concise form, one signature per signer. */
    private boolean argentSignatureValid(Account account, Felt hash, List<Felt> signature) {
        List<Felt> expected = account.guardian() == null ? List.of(account.key()) : List.of(account.key(),
                account.guardian());
        List<Felt> signers = new ArrayList<>();
        List<Signature> signatures = new ArrayList<>();
        int n = signature.size();
        if (n == 2 || n == 4) { // the concise form: [r, s] of the owner, then the guardian's
            for (int i = 0; i < n; i += 2) {
                signers.add(expected.get(Math.min(i / 2, expected.size() - 1)));
                signatures.add(new Signature(signature.get(i), signature.get(i + 1)));
            }
        } else {
            if (n == 0 || signature.get(0).value().bitLength() > 31) {
                throw contractError("argent/invalid-signature-format");
            }
            int count = signature.get(0).value().intValueExact();
            int at = 1;
            for (int i = 0; i < count; i++) {
                if (at + 4 > n || !signature.get(at).equals(Felt.ZERO)) {
                    throw contractError("argent/invalid-signature-format");
                }
                signers.add(signature.get(at + 1));
                signatures.add(new Signature(signature.get(at + 2), signature.get(at + 3)));
                at += 4;
            }
            if (at != n) {
                throw contractError("argent/invalid-signature-length");
            }
        }
        if (signatures.size() != expected.size()) {
            throw contractError("argent/invalid-signature-length");
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!signers.get(i).equals(expected.get(i)) || !crypto.verify(expected.get(i), hash, signatures.get(i))) {
                return false;
            }
        }
        return true;
    }
}
