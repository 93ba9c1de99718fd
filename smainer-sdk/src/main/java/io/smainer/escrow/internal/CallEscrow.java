package io.smainer.escrow.internal;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.chain.Calldata;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.escrow.ChainEvent;
import io.smainer.escrow.ChainException;
import io.smainer.escrow.ContractCall;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.EntryPointMissingException;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowEvent;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.EscrowTask;
import io.smainer.escrow.NodeStatus;
import io.smainer.escrow.Settlement;
import io.smainer.escrow.SignatureCheckUnavailableException;
import io.smainer.escrow.SignatureVerdict;
import io.smainer.escrow.TxResult;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.FeeMath;
import io.smainer.fee.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@link Escrow} written once in terms of contract calls: both the in-process ledger's client and the
 * Starknet client extend it and supply only how a view is called and how a multicall is sent. So both
 * encode calldata and decode results and events the same way, per the contract's ABI. Not API.
 */
public abstract class CallEscrow implements Escrow {
    /** The JSON-RPC error for an address with no contract. */
    static final int CONTRACT_NOT_FOUND = 20;
    /** The JSON-RPC error for a selector the contract does not have ({@code starknet_call}, RPC 0.8 and later). */
    static final int ENTRYPOINT_NOT_FOUND = 21;
    private final ContractAddress caller;
    private final ContractAddress contract;
    private final ContractAddress token;

    /**
     * @param caller the account
     * @param contract the SmainerContract
     * @param token the default token
     */
    protected CallEscrow(ContractAddress caller, ContractAddress contract, ContractAddress token) {
        this.caller = caller;
        this.contract = contract;
        this.token = token;
    }

    /**
     * A read-only call.
     *
     * @param call the call
     * @return its return values
     * @throws io.smainer.escrow.EscrowRevertedException when the view reverts
     */
    protected abstract List<Felt> view(ContractCall call);

    /**
     * A read-only call that asks an account contract about itself ({@link #accountPublicKey},
     * {@link #isValidSignature}); a client may give these their own, shorter time limit.
     *
     * @param call the call
     * @return its return values
     * @throws io.smainer.escrow.EscrowRevertedException when the view reverts
     */
    protected List<Felt> accountView(ContractCall call) {
        return view(call);
    }

    /**
     * Sends a multicall from {@link #caller()} and waits until it is accepted.
     *
     * @param calls the calls
     * @param context what is being done, for error messages
     * @return the transaction and the events it emitted
     * @throws io.smainer.escrow.EscrowRevertedException when it reverted
     */
    protected abstract Invoked invoke(List<ContractCall> calls, String context);

    /**
     * An accepted transaction and its events.
     *
     * @param tx the transaction
     * @param events its events, of every emitter
     */
    public record Invoked(TxResult tx, List<ChainEvent> events) {
    }

    @Override
    public ContractAddress caller() {
        return caller;
    }

    @Override
    public ContractAddress contract() {
        return contract;
    }

    @Override
    public ContractAddress token() {
        return token;
    }

    // ---- calldata for each write (also used to check the client against the ABI)

    /**
     * @param token the ERC-20
     * @param spender the escrow
     * @param amount the allowance
     * @return {@code approve(spender, amount)}
     */
    public static ContractCall approve(ContractAddress token, ContractAddress spender, TokenAmount amount) {
        return ContractCall.of(token, Abi.APPROVE, Calldata.builder().address(spender).u256(amount.toU256()).build());
    }

    /**
     * @param contract the escrow
     * @param token the ERC-20
     * @param base the base amount
     * @param tier the tier
     * @param taskHash the commitment
     * @return {@code create_tiered_task(token, base_amount, required_tier, task_hash)}
     */
    public static ContractCall createTieredTask(ContractAddress contract, ContractAddress token, TokenAmount base,
            Tier tier, Felt taskHash) {
        return ContractCall.of(contract, Abi.CREATE_TIERED_TASK, Calldata.builder().address(token).u256(base.toU256())
                .u8(tier.code()).felt(taskHash).build());
    }

    /**
     * @param contract the escrow
     * @param settlement a settlement
     * @return its call: {@code submit_proof_and_claim}, {@code settle_with_effort} or
     *     {@code settle_with_effort_and_affiliate}
     */
    public static ContractCall settlement(ContractAddress contract, Settlement settlement) {
        if (settlement instanceof Settlement.Flat f) {
            return ContractCall.of(contract, Abi.SUBMIT_PROOF_AND_CLAIM, Calldata.builder().u256(f.taskId())
                    .address(f.provider()).felt(f.resultHash()).felt(f.signature().r()).felt(f.signature().s()).build());
        }
        if (settlement instanceof Settlement.Effort e) {
            return ContractCall.of(contract, Abi.SETTLE_WITH_EFFORT, Calldata.builder().u256(e.taskId())
                    .address(e.provider()).felt(e.resultHash()).u256(e.actualCost().toU256())
                    .u256(U256.of(e.effortScore())).felt(e.signature().r()).felt(e.signature().s()).build());
        }
        Settlement.EffortWithAffiliate a = (Settlement.EffortWithAffiliate) settlement;
        return ContractCall.of(contract, Abi.SETTLE_WITH_EFFORT_AND_AFFILIATE, Calldata.builder().u256(a.taskId())
                .address(a.provider()).address(a.affiliate()).felt(a.resultHash()).u256(a.actualCost().toU256())
                .u256(U256.of(a.effortScore())).felt(a.signature().r()).felt(a.signature().s()).build());
    }

    // ---- demander

    @Override
    public CreatedTask createTask(ContractAddress token, TokenAmount baseAmount, Tier tier, Felt taskHash) {
        BasisPoints multiplier = tierMultiplier(tier);
        TokenAmount adjusted = FeeMath.adjust(baseAmount, multiplier);
        Invoked done = invoke(List.of(approve(token, contract, adjusted),
                createTieredTask(contract, token, baseAmount, tier, taskHash)), "create task");
        for (EscrowEvent ev : EscrowEvents.decode(done.events().stream().filter(e -> e.from().equals(contract)).toList())) {
            if (ev instanceof EscrowEvent.TaskCreated c) {
                return new CreatedTask(c.taskId(), c.amount(), done.tx());
            }
        }
        throw new ChainException(0, "transaction " + done.tx().hash() + " was accepted but carries no TaskCreated event"
                + " from " + contract, null);
    }

    @Override
    public TxResult cancelTask(U256 taskId) {
        return invoke(List.of(ContractCall.of(contract, Abi.CANCEL_TASK, Calldata.builder().u256(taskId).build())),
                "cancel task " + taskId).tx();
    }

    // ---- views

    @Override
    public Optional<EscrowTask> getTask(U256 taskId) {
        List<Felt> r = view(ContractCall.of(contract, Abi.GET_TASK, Calldata.builder().u256(taskId).build()));
        expect(Abi.GET_TASK, r, 13);
        if (r.get(0).value().signum() == 0) {
            return Optional.empty();
        }
        return Optional.of(new EscrowTask(taskId, new ContractAddress(r.get(0)), new ContractAddress(r.get(1)),
                amount(r, 2), amount(r, 4), BasisPoints.of(EscrowEvents.u256(r, 6).value().intValueExact()), amount(r, 8),
                Tier.fromCode(r.get(10).value().intValueExact()), r.get(11),
                EscrowStatus.fromCode(r.get(12).value().intValueExact())));
    }

    @Override
    public U256 taskCount() {
        List<Felt> r = view(ContractCall.of(contract, Abi.GET_TASK_COUNT, List.of()));
        expect(Abi.GET_TASK_COUNT, r, 2);
        return EscrowEvents.u256(r, 0);
    }

    @Override
    public NodeStatus nodeStatus(ContractAddress node) {
        List<Felt> r = view(ContractCall.of(contract, Abi.GET_NODE_STATUS, List.of(node.felt())));
        expect(Abi.GET_NODE_STATUS, r, 1);
        return NodeStatus.fromCode(r.get(0).value().intValueExact());
    }

    @Override
    public Optional<Felt> providerPublicKey(ContractAddress provider) {
        List<Felt> r = view(ContractCall.of(contract, Abi.GET_PROVIDER_PUBLIC_KEY, List.of(provider.felt())));
        expect(Abi.GET_PROVIDER_PUBLIC_KEY, r, 1);
        return r.get(0).value().signum() == 0 ? Optional.empty() : Optional.of(r.get(0));
    }

    @Override
    public BasisPoints tierMultiplier(Tier tier) {
        List<Felt> r = view(ContractCall.of(contract, Abi.GET_TIER_MULTIPLIER, Calldata.builder().u8(tier.code()).build()));
        expect(Abi.GET_TIER_MULTIPLIER, r, 2);
        return BasisPoints.of(EscrowEvents.u256(r, 0).value().intValueExact());
    }

    @Override
    public TokenAmount balanceOf(ContractAddress account) {
        List<Felt> r = view(ContractCall.of(token, Abi.BALANCE_OF, List.of(account.felt())));
        expect(Abi.BALANCE_OF, r, 2);
        return amount(r, 0);
    }

    /**
     * @return the one account the contract lets settle ({@code get_relayer})
     * @throws io.smainer.escrow.EscrowRevertedException when the view reverts
     */
    public ContractAddress relayer() {
        List<Felt> r = view(ContractCall.of(contract, Abi.GET_RELAYER, List.of()));
        expect(Abi.GET_RELAYER, r, 1);
        return new ContractAddress(r.get(0));
    }

    /**
     * @param account an account contract
     * @return the Stark public key it reports through {@code get_public_key}, or empty when it has no such
     *     entry point, reports zero, or is not deployed
     * @throws io.smainer.escrow.ChainException when the chain cannot be read
     */
    public Optional<Felt> accountPublicKey(ContractAddress account) {
        List<Felt> r;
        try {
            r = accountView(ContractCall.of(account, Abi.GET_PUBLIC_KEY, List.of()));
        } catch (EscrowRevertedException e) {
            return Optional.empty(); // no such entry point: the account keeps its key some other way
        } catch (ChainException e) {
            if (e.rpcCode() == CONTRACT_NOT_FOUND || e.rpcCode() == ENTRYPOINT_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        return r.size() == 1 && r.get(0).value().signum() != 0 ? Optional.of(r.get(0)) : Optional.empty();
    }

    /**
     * Asks an account contract whether it accepts a signature over a message hash: SNIP-6
     * {@code is_valid_signature(hash, signature)}, and only when the contract has no such entry point the Cairo 0
     * name {@code isValidSignature} (same calldata). One view call, two for a contract without the SNIP-6 name.
     *
     * @param account the account contract
     * @param hash the message hash that was signed
     * @param signature the signature as the account reads it (for one Stark key: {@code [r, s]})
     * @return the account's verdict: accepted for {@code 'VALID'} or 1, refused for any other answer or a revert
     * @throws SignatureCheckUnavailableException when the account could not be asked (node trouble, nothing
     *     deployed, or neither entry point)
     */
    public SignatureVerdict isValidSignature(ContractAddress account, Felt hash, List<Felt> signature) {
        Require.present("account", account);
        Require.present("hash", hash);
        Require.present("signature", signature);
        List<Felt> calldata = new ArrayList<>(signature.size() + 2);
        calldata.add(hash);
        calldata.add(Felt.of(signature.size()));
        calldata.addAll(signature);
        for (String entryPoint : List.of(Abi.IS_VALID_SIGNATURE, Abi.IS_VALID_SIGNATURE_LEGACY)) {
            Optional<SignatureVerdict> verdict = askSignature(account, entryPoint, calldata);
            if (verdict.isPresent()) {
                return verdict.get();
            }
        }
        throw new SignatureCheckUnavailableException(account, SignatureCheckUnavailableException.Kind.NOT_SUPPORTED,
                ENTRYPOINT_NOT_FOUND, "account " + account.hex() + " could not be asked whether it accepts the signature: "
                        + "it has neither " + Abi.IS_VALID_SIGNATURE + " (SNIP-6) nor " + Abi.IS_VALID_SIGNATURE_LEGACY,
                null);
    }

    /** @return the verdict, or empty when the contract has no such entry point */
    private Optional<SignatureVerdict> askSignature(ContractAddress account, String entryPoint, List<Felt> calldata) {
        List<Felt> r;
        try {
            r = accountView(ContractCall.of(account, entryPoint, calldata));
        } catch (EscrowRevertedException e) {
            if (entryPointMissing(e.reason())) {
                return Optional.empty();
            }
            if (notDeployed(e.reason())) {
                throw notDeployed(account, e);
            }
            return Optional.of(new SignatureVerdict(false, entryPoint + " reverted: " + e.reason()));
        } catch (ChainException e) {
            if (e.rpcCode() == ENTRYPOINT_NOT_FOUND) {
                return Optional.empty();
            }
            if (e.rpcCode() == CONTRACT_NOT_FOUND) {
                throw notDeployed(account, e);
            }
            throw new SignatureCheckUnavailableException(account, SignatureCheckUnavailableException.Kind.NODE_UNAVAILABLE,
                    e.rpcCode(), "account " + account.hex() + " could not be asked whether it accepts the signature: "
                            + e.getMessage(), e);
        }
        if (r.size() != 1) {
            return Optional.of(new SignatureVerdict(false, entryPoint + " returned " + r.size() + " felts " + hexes(r)
                    + ", not one"));
        }
        Felt v = r.get(0);
        String said = v.equals(SignatureVerdict.VALID) ? "'VALID'" : v.hex();
        return Optional.of(new SignatureVerdict(SignatureVerdict.meansValid(v), entryPoint + " returned " + said));
    }

    private static SignatureCheckUnavailableException notDeployed(ContractAddress account, RuntimeException cause) {
        return new SignatureCheckUnavailableException(account, SignatureCheckUnavailableException.Kind.NOT_DEPLOYED,
                CONTRACT_NOT_FOUND, "account " + account.hex() + " could not be asked whether it accepts the signature: "
                        + "no contract is deployed at that address", cause);
    }

    /** A node's revert text for a selector the contract lacks (older nodes, before error 21), or the ledger's. */
    private static boolean entryPointMissing(String reason) {
        String r = reason.toLowerCase(Locale.ROOT);
        return r.contains("entrypoint_not_found") || r.contains("entry_point_not_found")
                || r.contains("entry point") && r.contains("not found");
    }

    /** The ledger's (and some nodes') revert text for an address with no contract. */
    private static boolean notDeployed(String reason) {
        String r = reason.toLowerCase(Locale.ROOT);
        return reason.equals(EscrowRevertedException.CONTRACT_NOT_DEPLOYED) || r.contains("is not deployed")
                || r.contains("contract not found");
    }

    private static String hexes(List<Felt> felts) {
        List<String> out = new ArrayList<>(felts.size());
        felts.forEach(f -> out.add(f.hex()));
        return out.toString();
    }

    @Override
    public boolean isPaused() {
        List<Felt> r = view(ContractCall.of(contract, Abi.IS_PAUSED, List.of()));
        expect(Abi.IS_PAUSED, r, 1);
        return r.get(0).value().signum() != 0;
    }

    // ---- provider

    @Override
    public TxResult registerNode() {
        return invoke(List.of(ContractCall.of(contract, Abi.REGISTER_NODE, List.of())), "register node").tx();
    }

    @Override
    public TxResult deactivateNode() {
        return invoke(List.of(ContractCall.of(contract, Abi.DEACTIVATE_NODE, List.of())), "deactivate node").tx();
    }

    @Override
    public TxResult setProviderPublicKey(Felt publicKey) {
        return invoke(List.of(ContractCall.of(contract, Abi.SET_PROVIDER_PUBLIC_KEY, List.of(publicKey))),
                "set provider public key").tx();
    }

    // ---- relayer

    @Override
    public TxResult settle(Settlement settlement) {
        String context = "settle task " + settlement.taskId();
        requireEntryPoint(settlement, context);
        return invoke(List.of(settlement(contract, settlement)), context).tx();
    }

    /** Refuses, before sending, a settlement whose entry point the contract's class lacks. */
    private void requireEntryPoint(Settlement s, String context) {
        boolean affiliate = s instanceof Settlement.EffortWithAffiliate;
        String entryPoint = s instanceof Settlement.Flat ? Abi.SUBMIT_PROOF_AND_CLAIM
                : affiliate ? Abi.SETTLE_WITH_EFFORT_AND_AFFILIATE : Abi.SETTLE_WITH_EFFORT;
        if (!offers(entryPoint)) {
            throw new EntryPointMissingException(contract, entryPoint, context, affiliate
                    ? "settle it without the affiliate (Settlement.Effort, settle_with_effort), or wait for a class that has it"
                    : "this contract cannot settle such tasks");
        }
    }

    @Override
    public TxResult settleBatch(List<Settlement> settlements) {
        return settleBatch(settlements, List.of());
    }

    @Override
    public TxResult settleBatch(List<Settlement> settlements, List<ContractCall> alongside) {
        Require.present("alongside", alongside);
        if (settlements == null || settlements.isEmpty()) {
            throw new InvalidFieldException("settlements", "at least one settlement", settlements);
        }
        List<ContractCall> calls = new ArrayList<>(settlements.size());
        String context = "settle " + settlements.size() + " tasks in one transaction";
        for (Settlement s : settlements) {
            requireEntryPoint(Require.present("settlements[]", s), context + " (task " + s.taskId() + ")");
            calls.add(settlement(contract, s));
        }
        for (ContractCall c : alongside) {
            calls.add(Require.present("alongside[]", c));
        }
        return invoke(calls, context + (alongside.isEmpty() ? "" : " with " + alongside.size() + " other calls")).tx();
    }

    private static TokenAmount amount(List<Felt> r, int at) {
        return TokenAmount.ofBaseUnits(EscrowEvents.u256(r, at).value());
    }

    private static void expect(String entryPoint, List<Felt> result, int size) {
        if (result.size() != size) {
            throw new ChainException(0, entryPoint + " returned " + result.size() + " felts, expected " + size, null);
        }
    }
}
