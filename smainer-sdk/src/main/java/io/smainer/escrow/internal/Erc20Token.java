package io.smainer.escrow.internal;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.escrow.EscrowRevertedException;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The ERC-20 token (STRK) of a {@link LedgerMachine}: balances, allowances, {@code Transfer} and
 * {@code Approval} events; an unlimited allowance ({@code 2^256 - 1}) is never decreased. Not API.
 */
public final class Erc20Token implements LedgerContract {
    /** An allowance's key. */
    record Allowance(ContractAddress owner, ContractAddress spender) {
    }

    private final ContractAddress address;
    private final Journal journal;
    private final EntryPoints entryPoints;

    final Map<ContractAddress, BigInteger> balances = new HashMap<>();
    final Map<Allowance, BigInteger> allowances = new HashMap<>();
    BigInteger totalSupply = BigInteger.ZERO;

    Erc20Token(ContractAddress address, Journal journal) {
        this.address = address;
        this.journal = journal;
        this.entryPoints = EntryPoints.builder()
                .view(Abi.BALANCE_OF, (caller, a) -> {
                    ContractAddress account = a.address();
                    a.end();
                    return u256(balance(account));
                })
                .view(Abi.ALLOWANCE, (caller, a) -> {
                    ContractAddress owner = a.address();
                    ContractAddress spender = a.address();
                    a.end();
                    return u256(allowances.getOrDefault(new Allowance(owner, spender), BigInteger.ZERO));
                })
                .view(Abi.TOTAL_SUPPLY, (caller, a) -> {
                    a.end();
                    return u256(totalSupply);
                })
                .view(Abi.DECIMALS, (caller, a) -> {
                    a.end();
                    return List.of(Felt.of(18));
                })
                .external(Abi.APPROVE, (caller, a) -> {
                    ContractAddress spender = a.address();
                    BigInteger amount = a.u256();
                    a.end();
                    journal.put(allowances, new Allowance(caller, spender), amount);
                    journal.emit(address, Abi.APPROVAL_EVENT, List.of(caller.felt(), spender.felt()), u256(amount));
                    return List.of(Felt.ONE);
                })
                .external(Abi.TRANSFER, (caller, a) -> {
                    ContractAddress to = a.address();
                    BigInteger amount = a.u256();
                    a.end();
                    transfer(caller, to, amount);
                    return List.of(Felt.ONE);
                })
                .external(Abi.TRANSFER_FROM, (caller, a) -> {
                    ContractAddress from = a.address();
                    ContractAddress to = a.address();
                    BigInteger amount = a.u256();
                    a.end();
                    transferFrom(caller, from, to, amount);
                    return List.of(Felt.ONE);
                })
                .build();
    }

    @Override
    public ContractAddress address() {
        return address;
    }

    @Override
    public EntryPoints entryPoints() {
        return entryPoints;
    }

    BigInteger balance(ContractAddress account) {
        return balances.getOrDefault(account, BigInteger.ZERO);
    }

    private void transferFrom(ContractAddress spender, ContractAddress from, ContractAddress to, BigInteger amount) {
        Allowance key = new Allowance(from, spender);
        BigInteger allowed = allowances.getOrDefault(key, BigInteger.ZERO);
        if (allowed.compareTo(amount) < 0) {
            throw new Revert(EscrowRevertedException.INSUFFICIENT_ALLOWANCE);
        }
        if (!allowed.equals(U256.MAX_VALUE)) {
            journal.put(allowances, key, allowed.subtract(amount));
        }
        transfer(from, to, amount);
    }

    private void transfer(ContractAddress from, ContractAddress to, BigInteger amount) {
        BigInteger fromBalance = balance(from);
        if (fromBalance.compareTo(amount) < 0) {
            throw new Revert(EscrowRevertedException.INSUFFICIENT_BALANCE);
        }
        journal.put(balances, from, fromBalance.subtract(amount));
        journal.put(balances, to, balance(to).add(amount));
        journal.emit(address, Abi.TRANSFER_EVENT, List.of(from.felt(), to.felt()), u256(amount));
    }

    /**
     * Creates tokens out of nothing (a local network's faucet), outside any transaction.
     *
     * @param to the receiver
     * @param amount base units
     */
    void mint(ContractAddress to, BigInteger amount) {
        Objects.requireNonNull(to, "to");
        BigInteger supply = totalSupply.add(amount);
        if (supply.compareTo(U256.MAX_VALUE) > 0) {
            throw new InvalidFieldException("amount", "a mint that keeps the supply below 2^256", amount);
        }
        totalSupply = supply;
        balances.merge(to, amount, BigInteger::add);
    }

    static List<Felt> u256(BigInteger v) {
        return U256.of(v).toCalldata();
    }
}
