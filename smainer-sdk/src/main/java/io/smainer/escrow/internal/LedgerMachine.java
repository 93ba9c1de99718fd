package io.smainer.escrow.internal;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.ChainEvent;
import io.smainer.escrow.ContractCall;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.escrow.LedgerTransaction;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The chain behind {@link io.smainer.escrow.Ledger}: contracts deployed at addresses (the ERC-20 token and
 * the SmainerContract, each a {@link LedgerContract} with its own entry-point table and storage), blocks,
 * nonces and the history, executing multicalls atomically: one {@link Journal} shared by every contract
 * rolls a reverted transaction back. A further contract (a staking contract) is deployed with
 * {@link #deploy} and reaches the others through {@link LedgerChain#call}. Not thread-safe: the ledger
 * serializes access. Not API.
 */
public final class LedgerMachine implements LedgerChain {
    // configuration
    final ContractAddress contract;
    final ContractAddress tokenAddress;
    final ChainId chainId;
    private final Clock clock;

    private final Journal journal = new Journal();
    private long runTimestamp;
    private final Map<ContractAddress, LedgerContract> deployed = new LinkedHashMap<>();
    final Erc20Token token;
    final SmainerContract smainer;

    // chain
    long blockNumber;
    final Map<ContractAddress, BigInteger> nonces = new HashMap<>();
    /** Every transaction, kept compactly; see {@link LedgerHistory}. */
    final LedgerHistory history = new LedgerHistory(this::isAccount);

    LedgerMachine(ContractAddress contract, ContractAddress token, ChainId chainId, StarkCrypto crypto, Clock clock,
            ContractAddress owner, ContractAddress relayer, ContractAddress treasury) {
        this.contract = contract;
        this.tokenAddress = token;
        this.chainId = chainId;
        this.clock = clock;
        this.token = deploy(new Erc20Token(token, journal));
        this.smainer = deploy(new SmainerContract(contract, this, crypto, owner, treasury));
        this.smainer.relayer = relayer; // genesis state: as if set_relayer had run after the deployment
    }

    /**
     * @param contract the SmainerContract's address
     * @param token the token's address
     * @param chainId the chain id reported
     * @param crypto for receipt hashes and signature checks
     * @param clock for block timestamps
     * @param owner the contract's owner (the constructor's {@code owner})
     * @param relayer the relayer allowed to settle, or {@link ContractAddress#ZERO} for none yet (as the real
     *     constructor leaves it)
     * @param treasury where fees go (the constructor's {@code treasury})
     * @return a fresh machine, empty but for its configuration
     */
    public static LedgerMachine create(ContractAddress contract, ContractAddress token, ChainId chainId,
            StarkCrypto crypto, Clock clock, ContractAddress owner, ContractAddress relayer, ContractAddress treasury) {
        if (contract.equals(token)) {
            throw new InvalidFieldException("contract", "an address other than the token's", contract);
        }
        // the constructor's checks: OpenZeppelin's initializer, then the treasury's
        if (owner.isZero()) {
            throw new InvalidFieldException("owner", "not zero (" + EscrowRevertedException.NEW_OWNER_IS_ZERO + ")", owner);
        }
        if (treasury.isZero()) {
            throw new InvalidFieldException("treasury",
                    "not zero (" + EscrowRevertedException.INVALID_TREASURY_ADDRESS + ")", treasury);
        }
        return new LedgerMachine(contract, token, chainId, crypto, clock, owner, relayer, treasury);
    }

    /**
     * Deploys a contract at its address.
     *
     * @param c the contract, built on this machine's {@link #journal()}
     * @param <C> its type
     * @return {@code c}
     */
    public <C extends LedgerContract> C deploy(C c) {
        if (deployed.putIfAbsent(c.address(), c) != null) {
            throw new InvalidFieldException("address", "an address with no contract yet", c.address());
        }
        return c;
    }

    /**
     * @param address an address
     * @return the contract deployed there
     */
    public Optional<LedgerContract> contractAt(ContractAddress address) {
        return Optional.ofNullable(deployed.get(address));
    }

    @Override
    public Journal journal() {
        return journal;
    }

    @Override
    public long blockTimestamp() {
        return runTimestamp;
    }

    /**
     * Models the SmainerContract as a deployed class without these entry points (see {@code
     * Ledger.Builder.withoutEntryPoints}).
     *
     * @param names the entry points' names
     */
    public void withoutEntryPoints(Set<String> names) {
        smainer.withoutEntryPoints(names);
    }

    /** @return the SmainerContract's entry points the deployed class is modelled without */
    public Set<String> absentEntryPoints() {
        return smainer.absentEntryPoints;
    }

    /** @return the staking contract, when one is deployed */
    public Optional<StakingContract> staking() {
        for (LedgerContract c : deployed.values()) {
            if (c instanceof StakingContract s) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    @Override
    public List<Felt> call(ContractAddress caller, ContractAddress to, String entryPoint, List<Felt> calldata) {
        return dispatch(caller, ContractCall.of(to, entryPoint, calldata));
    }

    // ------------------------------------------------------------------ transactions

    /**
     * Runs a multicall as one transaction in a new block: all calls take effect, or (on a revert) none.
     *
     * @param sender the account
     * @param calls the calls, in order
     * @param hash the transaction hash, or empty to derive one
     * @return the transaction, reverted or not
     */
    public LedgerTransaction execute(ContractAddress sender, List<ContractCall> calls, Optional<Felt> hash) {
        long block = blockNumber + 1;
        Felt txHash = hash.orElseGet(() -> derivedHash(sender, block));
        if (history.contains(txHash)) {
            throw new InvalidFieldException("transaction_hash", "a hash not used before", txHash);
        }
        Run run = run(sender, calls, true);
        List<ChainEvent> events = new ArrayList<>(run.emitted.size());
        Map<ContractAddress, Integer> perEmitter = new HashMap<>();
        for (Journal.Emitted e : run.emitted) {
            int index = perEmitter.merge(e.from(), 1, Integer::sum) - 1;
            events.add(new ChainEvent(e.from(), e.keys(), e.data(), block, index, txHash));
        }
        blockNumber = block;
        nonces.merge(sender, BigInteger.ONE, BigInteger::add);
        // the block's timestamp is the one the contracts read: whole seconds, taken when the transaction began
        LedgerTransaction tx = new LedgerTransaction(txHash, sender, block, Instant.ofEpochSecond(runTimestamp),
                run.outcome.reason(), events);
        history.add(tx);
        return tx;
    }

    /** Whether a felt is the address of an account with a token balance: the history keeps those once. */
    private boolean isAccount(Felt f) {
        return f.value().compareTo(ContractAddress.BOUND) < 0 && token.balances.containsKey(new ContractAddress(f));
    }

    /**
     * Runs calls and rolls them back whatever happens: a view call, or a dry run for a fee estimate.
     *
     * @param sender the caller
     * @param calls the calls
     * @return the results of the calls, or the revert reason
     */
    public Outcome simulate(ContractAddress sender, List<ContractCall> calls) {
        return run(sender, calls, false).outcome;
    }

    /** What a simulated run returned. */
    public static final class Outcome {
        private final List<List<Felt>> results;
        private final Optional<String> reason;

        Outcome(List<List<Felt>> results, Optional<String> reason) {
            this.results = results;
            this.reason = reason;
        }

        /** @return each call's return values */
        public List<List<Felt>> results() {
            return results;
        }

        /** @return the revert reason, empty when every call succeeded */
        public Optional<String> reason() {
            return reason;
        }
    }

    private record Run(Outcome outcome, List<Journal.Emitted> emitted) {
    }

    private Run run(ContractAddress sender, List<ContractCall> calls, boolean commit) {
        runTimestamp = clock.instant().getEpochSecond();
        journal.begin();
        List<List<Felt>> results = new ArrayList<>();
        Optional<String> reason = Optional.empty();
        try {
            for (ContractCall call : calls) {
                results.add(dispatch(sender, call));
            }
        } catch (Revert r) {
            reason = Optional.of(r.reason());
        }
        if (reason.isPresent() || !commit) {
            journal.rollback();
        }
        return new Run(new Outcome(results, reason), journal.end());
    }

    private Felt derivedHash(ContractAddress sender, long block) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(("smainer-ledger-tx:" + chainId.name() + ":" + block + ":" + sender.hex())
                    .getBytes(StandardCharsets.US_ASCII));
            return Felt.reduce(new BigInteger(1, sha.digest()).shiftRight(6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private List<Felt> dispatch(ContractAddress caller, ContractCall call) {
        LedgerContract c = deployed.get(call.to());
        if (c == null) {
            throw new Revert(EscrowRevertedException.CONTRACT_NOT_DEPLOYED);
        }
        return c.entryPoints().call(caller, call.selector(), call.calldata());
    }

    // ------------------------------------------------------------------ local-network operations

    /**
     * Creates tokens out of nothing, for a local network's faucet.
     *
     * @param to the receiver
     * @param amount base units
     */
    public void mint(ContractAddress to, BigInteger amount) {
        token.mint(to, amount);
    }

    // ------------------------------------------------------------------ reads for the ledger

    /** @return the token balance of an account */
    public BigInteger balanceOf(ContractAddress account) {
        return token.balance(account);
    }

    /** @return the total supply */
    public BigInteger totalSupply() {
        return token.totalSupply;
    }

    /** @return the latest block number (0 before the first transaction) */
    public long blockNumber() {
        return blockNumber;
    }

    /**
     * @param account an account
     * @return its nonce: how many transactions it sent
     */
    public BigInteger nonce(ContractAddress account) {
        return nonces.getOrDefault(account, BigInteger.ZERO);
    }

    /**
     * @param hash a transaction hash
     * @return the transaction
     */
    public Optional<LedgerTransaction> transaction(Felt hash) {
        return history.byHash(hash);
    }

    /**
     * @param block a block number, from 1
     * @return its transaction
     */
    public Optional<LedgerTransaction> transactionInBlock(long block) {
        if (block < 1 || block > history.size()) {
            return Optional.empty();
        }
        return Optional.of(history.transaction((int) (block - 1)));
    }

    /**
     * Events from blocks {@code [fromBlock, toBlock]}, oldest first, filtered by emitter and keys.
     *
     * @param fromBlock first block
     * @param toBlock last block
     * @param from the emitter, or empty for all
     * @param keys per key position the accepted values (an empty list accepts any)
     * @param skip how many matching events to skip
     * @param max the most to return
     * @return the events
     */
    public List<ChainEvent> events(long fromBlock, long toBlock, Optional<ContractAddress> from, List<List<Felt>> keys,
            int skip, int max) {
        return history.events(fromBlock, Math.min(toBlock, blockNumber), from, keys, skip, max);
    }

    // ------------------------------------------------------------------ encoding helpers

    @SafeVarargs
    static List<Felt> cat(List<Felt>... parts) {
        List<Felt> out = new ArrayList<>();
        for (List<Felt> p : parts) {
            out.addAll(p);
        }
        return out;
    }
}
