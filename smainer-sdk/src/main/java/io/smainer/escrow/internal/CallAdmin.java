package io.smainer.escrow.internal;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.chain.Calldata;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.escrow.ChainException;
import io.smainer.escrow.ContractCall;
import io.smainer.escrow.EscrowAdmin;
import io.smainer.escrow.EscrowEvent;
import io.smainer.escrow.TxResult;
import io.smainer.fee.BasisPoints;
import java.util.List;

/**
 * {@link EscrowAdmin} on a {@link CallEscrow}'s view and invoke, so the ledger's clients and the Starknet client
 * send the same calldata. Not API.
 */
public final class CallAdmin implements EscrowAdmin {
    private final CallEscrow escrow;

    /** @param escrow the client whose account sends the calls */
    public CallAdmin(CallEscrow escrow) {
        this.escrow = escrow;
    }

    private TxResult send(String entryPoint, List<Felt> calldata, String context) {
        return escrow.invoke(List.of(ContractCall.of(escrow.contract(), entryPoint, calldata)), context).tx();
    }

    private Felt one(String view) {
        List<Felt> r = escrow.view(ContractCall.of(escrow.contract(), view, List.of()));
        if (r.isEmpty()) {
            throw new ChainException(0, view + " returned nothing", null);
        }
        return r.get(0);
    }

    private int percent(String view) {
        List<Felt> r = escrow.view(ContractCall.of(escrow.contract(), view, List.of()));
        if (r.size() != 2) {
            throw new ChainException(0, view + " returned " + r.size() + " felts, expected a u256", null);
        }
        return EscrowEvents.u256(r, 0).value().intValueExact();
    }

    @Override
    public ContractAddress caller() {
        return escrow.caller();
    }

    @Override
    public ContractAddress owner() {
        return new ContractAddress(one(Abi.OWNER));
    }

    @Override
    public ContractAddress relayer() {
        return new ContractAddress(one(Abi.GET_RELAYER));
    }

    @Override
    public ContractAddress treasury() {
        return new ContractAddress(one(Abi.GET_TREASURY));
    }

    @Override
    public int feePercent() {
        return percent(Abi.GET_FEE_PERCENT);
    }

    @Override
    public int gasSubsidyPercent() {
        return percent(Abi.GET_GAS_SUBSIDY_PERCENT);
    }

    @Override
    public TxResult pause() {
        return send(Abi.PAUSE, List.of(), "pause");
    }

    @Override
    public TxResult unpause() {
        return send(Abi.UNPAUSE, List.of(), "unpause");
    }

    @Override
    public TxResult setRelayer(ContractAddress relayer) {
        return send(Abi.SET_RELAYER, List.of(Require.present("relayer", relayer).felt()), "set relayer");
    }

    @Override
    public TxResult setTreasury(ContractAddress treasury) {
        return send(Abi.SET_TREASURY, List.of(Require.present("treasury", treasury).felt()), "set treasury");
    }

    @Override
    public TxResult setTierMultipliers(BasisPoints basic, BasisPoints pro, BasisPoints premium) {
        return send(Abi.SET_TIER_MULTIPLIERS, Calldata.builder().u256(U256.of(Require.present("basic", basic).value()))
                .u256(U256.of(Require.present("pro", pro).value())).u256(U256.of(Require.present("premium", premium).value()))
                .build(), "set tier multipliers");
    }

    @Override
    public TxResult suspendNode(ContractAddress node) {
        return send(Abi.SUSPEND_NODE, List.of(Require.present("node", node).felt()), "suspend node " + node);
    }

    @Override
    public TxResult transferOwnership(ContractAddress newOwner) {
        return send(Abi.TRANSFER_OWNERSHIP, List.of(Require.present("new_owner", newOwner).felt()), "transfer ownership");
    }

    @Override
    public TxResult renounceOwnership() {
        return send(Abi.RENOUNCE_OWNERSHIP, List.of(), "renounce ownership");
    }

    @Override
    public TxResult upgrade(Felt classHash) {
        return send(Abi.UPGRADE, List.of(Require.present("class_hash", classHash)), "upgrade");
    }

    @Override
    public EscrowEvent.TaskExecuted pullAndExecute(ContractAddress user, ContractAddress token, TokenAmount amount,
            Felt promptHash) {
        List<Felt> calldata = Calldata.builder().address(Require.present("user", user)).address(Require.present("token", token))
                .u256(Require.present("amount", amount).toU256()).felt(Require.present("prompt_hash", promptHash)).build();
        CallEscrow.Invoked done = escrow.invoke(List.of(ContractCall.of(escrow.contract(), Abi.PULL_AND_EXECUTE, calldata)),
                "pull and execute for " + user);
        for (EscrowEvent e : EscrowEvents.decode(done.events().stream().filter(ev -> ev.from().equals(escrow.contract()))
                .toList())) {
            if (e instanceof EscrowEvent.TaskExecuted executed) {
                return executed;
            }
        }
        throw new ChainException(0, "transaction " + done.tx().hash() + " was accepted but carries no TaskExecuted event from "
                + escrow.contract(), null);
    }

    @Override
    public TxResult execute(List<ContractCall> calls) {
        Require.present("calls", calls);
        if (calls.isEmpty()) {
            throw new InvalidFieldException("calls", "at least one call", calls);
        }
        return escrow.invoke(List.copyOf(calls), calls.size() + " calls from " + escrow.caller()).tx();
    }

    @Override
    public List<Felt> call(ContractCall call) {
        return escrow.view(Require.present("call", call));
    }

    @Override
    public String toString() {
        return "EscrowAdmin[" + escrow + "]";
    }
}
