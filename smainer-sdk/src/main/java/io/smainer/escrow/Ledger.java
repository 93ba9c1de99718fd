package io.smainer.escrow;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.internal.Abi;
import io.smainer.escrow.internal.CallAdmin;
import io.smainer.escrow.internal.CallEscrow;
import io.smainer.escrow.internal.CallStaking;
import io.smainer.escrow.internal.EscrowEvents;
import io.smainer.escrow.internal.LedgerMachine;
import io.smainer.escrow.internal.LedgerSnapshot;
import io.smainer.escrow.internal.StakingContract;
import io.smainer.fee.BasisPoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-process ledger: an ERC-20 token (STRK balances and allowances) and the SmainerContract as its
 * public Cairo source has it, function by function: the same checks in the same order, the same revert
 * texts, statuses and events (see {@code docs/escrow.md} and {@code contracts/README.md}), in one JVM. It is the SDK's embedded default and the state behind the
 * JSON-RPC test node.
 *
 * <p>Each transaction is a multicall executed atomically in a block of its own: on a revert nothing takes
 * effect, and it still uses a block and its sender's nonce, as on Starknet. Fees are not charged.
 * {@link #client(ContractAddress)} gives an {@link Escrow} that acts as one account. Thread-safe: one
 * lock orders all transactions. {@link #save(Path)} and {@link #load(Path)} keep a local network across
 * restarts.
 *
 * <pre>{@code
 * Ledger ledger = Ledger.builder().build(); // owner, relayer and treasury: the DEFAULT_ accounts below
 * ledger.mint(demander, TokenAmount.parseStrk("10 STRK"));
 * Escrow escrow = ledger.client(demander);
 * CreatedTask task = escrow.createTask(escrow.token(), TokenAmount.ONE_STRK, Tier.BASIC, taskHash);
 * }</pre>
 */
public final class Ledger {
    /** The chain id a ledger reports unless told otherwise. */
    public static final ChainId DEFAULT_CHAIN_ID = ChainId.LOCAL;
    /** The escrow contract's address unless told otherwise: the mainnet address, so clients need no override. */
    public static final ContractAddress DEFAULT_CONTRACT = ContractAddress.SMAINER_MAINNET;
    /** The token's address unless told otherwise: STRK's. */
    public static final ContractAddress DEFAULT_TOKEN = ContractAddress.STRK_TOKEN;
    /** The contract's owner unless told otherwise (the account {@code LocalNetwork} uses too). */
    public static final ContractAddress DEFAULT_OWNER = ContractAddress.of(0x1001);
    /** The relayer, the only account allowed to settle, unless told otherwise. */
    public static final ContractAddress DEFAULT_RELAYER = ContractAddress.of(0x1002);
    /** Where the contract's fees go unless told otherwise. */
    public static final ContractAddress DEFAULT_TREASURY = ContractAddress.of(0x1003);

    private final ReentrantLock lock = new ReentrantLock();
    private final LedgerMachine machine;
    private final ContractAddress contract;
    private final ContractAddress token;
    private final ChainId chainId;
    private final Clock clock;
    private final StarkCrypto crypto;

    private Ledger(LedgerMachine machine, ContractAddress contract, ContractAddress token, ChainId chainId, Clock clock,
            StarkCrypto crypto) {
        this.machine = machine;
        this.contract = contract;
        this.token = token;
        this.chainId = chainId;
        this.clock = clock;
        this.crypto = crypto;
    }

    /**
     * @return a builder; with nothing set it builds a working ledger: {@link #DEFAULT_OWNER},
     *     {@link #DEFAULT_RELAYER} and {@link #DEFAULT_TREASURY} on {@link #DEFAULT_CHAIN_ID}
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Ledger}. */
    public static final class Builder {
        private ContractAddress owner = DEFAULT_OWNER;
        private ContractAddress relayer = DEFAULT_RELAYER;
        private ContractAddress treasury = DEFAULT_TREASURY;
        private Set<String> absentEntryPoints = Set.of();
        private ContractAddress token = DEFAULT_TOKEN;
        private ContractAddress contract = DEFAULT_CONTRACT;
        private ChainId chainId = DEFAULT_CHAIN_ID;
        private Clock clock = Clock.systemUTC();
        private StarkCrypto crypto = StarkCrypto.defaultCrypto();
        private ContractAddress staking;
        private ContractAddress verifier;
        private TokenAmount minStake;

        private Builder() {
        }

        /**
         * Deploys {@code SmainerStakingContract} beside the escrow, as on mainnet: the same owner, token (it
         * stakes STRK), treasury and relayer as the escrow.
         *
         * @param staking its address
         * @param verifier the account allowed to initiate slashes
         * @param minStake the least stake a deposit must leave, at least 5 STRK
         * @return this
         */
        public Builder staking(ContractAddress staking, ContractAddress verifier, TokenAmount minStake) {
            this.staking = Require.present("staking_contract", staking);
            this.verifier = Require.present("verifier", verifier);
            this.minStake = Require.present("min_stake", minStake);
            return this;
        }

        /**
         * @param owner the contract's owner (admin calls); default {@link #DEFAULT_OWNER}
         * @return this
         */
        public Builder owner(ContractAddress owner) {
            this.owner = owner;
            return this;
        }

        /**
         * Sets the relayer at genesis, as a deployment followed by the owner's {@code set_relayer} would
         * (without their transactions); default {@link #DEFAULT_RELAYER}. See {@link #withoutRelayer()} for the
         * state the real constructor leaves.
         *
         * @param relayer the only account allowed to settle
         * @return this
         */
        public Builder relayer(ContractAddress relayer) {
            this.relayer = relayer;
            return this;
        }

        /**
         * Leaves the relayer unset, as the real constructor {@code (owner, treasury)} does: settlements then
         * revert ({@code 'No relayer set'} on the effort paths, {@code 'Unauthorized relayer'} on the flat one)
         * until {@link Ledger#setRelayer}.
         *
         * @return this
         */
        public Builder withoutRelayer() {
            this.relayer = null;
            return this;
        }

        /**
         * Models a deployed SmainerContract class that lacks these entry points, as a class older than the
         * public source may (the contracts repository's status page listed {@code settle_with_effort_and_affiliate}
         * as not yet deployed on mainnet): calls to them revert {@code ENTRYPOINT_NOT_FOUND}, the ledger's
         * clients report them absent ({@link Escrow#offers}), and {@code LedgerRpcServer}'s
         * {@code starknet_getClassAt} serves the class without them. Default: none left out.
         *
         * @param entryPoints the entry points' names, e.g. {@code settle_with_effort_and_affiliate}
         * @return this
         */
        public Builder withoutEntryPoints(String... entryPoints) {
            this.absentEntryPoints = Set.of(Require.present("entry_points", entryPoints));
            return this;
        }

        /**
         * @param treasury where fees go; default {@link #DEFAULT_TREASURY}
         * @return this
         */
        public Builder treasury(ContractAddress treasury) {
            this.treasury = treasury;
            return this;
        }

        /**
         * @param token the ERC-20's address; default {@link #DEFAULT_TOKEN}
         * @return this
         */
        public Builder token(ContractAddress token) {
            this.token = token;
            return this;
        }

        /**
         * @param contract the escrow contract's address; default {@link #DEFAULT_CONTRACT}
         * @return this
         */
        public Builder contract(ContractAddress contract) {
            this.contract = contract;
            return this;
        }

        /**
         * @param chainId the chain id reported; default {@link #DEFAULT_CHAIN_ID}
         * @return this
         */
        public Builder chainId(ChainId chainId) {
            this.chainId = chainId;
            return this;
        }

        /**
         * @param clock block timestamps; default the system clock
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * @param crypto receipt hashes and signature checks; default {@link StarkCrypto#defaultCrypto()}
         * @return this
         */
        public Builder crypto(StarkCrypto crypto) {
            this.crypto = crypto;
            return this;
        }

        /** @return the ledger, empty: no balances, no tasks */
        public Ledger build() {
            Require.present("owner", owner);
            Require.present("treasury", treasury);
            Require.present("token", token);
            Require.present("contract", contract);
            Require.present("chain_id", chainId);
            Require.present("clock", clock);
            Require.present("crypto", crypto);
            if (relayer != null && relayer.isZero()) {
                throw new InvalidFieldException("relayer", "not zero (withoutRelayer() for none)", relayer);
            }
            ContractAddress relayerOrNone = relayer == null ? ContractAddress.ZERO : relayer;
            LedgerMachine m = LedgerMachine.create(contract, token, chainId, crypto, clock, owner, relayerOrNone,
                    treasury);
            if (!absentEntryPoints.isEmpty()) {
                m.withoutEntryPoints(absentEntryPoints);
            }
            if (staking != null) {
                m.deploy(StakingContract.deploy(m, staking, owner, token, treasury, minStake.baseUnits(), relayerOrNone,
                        verifier));
            }
            return new Ledger(m, contract, token, chainId, clock, crypto);
        }
    }

    // ------------------------------------------------------------------ clients

    /**
     * @param caller the account the client acts for
     * @return an {@link Escrow} whose writes are sent from {@code caller}
     */
    public Escrow client(ContractAddress caller) {
        return new Client(this, Require.present("caller", caller));
    }

    /**
     * The contract's privileged operations and remaining views, sent as {@code caller} (the contract checks who
     * may: see {@link EscrowAdmin}). The methods {@link #pause}, {@link #setRelayer} and the like below are
     * shorthands for it.
     *
     * @param caller the account the calls are sent from
     * @return the operations
     */
    public EscrowAdmin admin(ContractAddress caller) {
        return new CallAdmin(new Client(this, Require.present("caller", caller)));
    }

    private static final class Client extends CallEscrow {
        private final Ledger ledger;
        private volatile boolean closed;

        Client(Ledger ledger, ContractAddress caller) {
            super(caller, ledger.contract, ledger.token);
            this.ledger = ledger;
        }

        @Override
        protected List<Felt> view(ContractCall call) {
            open();
            return ledger.call(call);
        }

        @Override
        protected Invoked invoke(List<ContractCall> calls, String context) {
            open();
            LedgerTransaction tx = ledger.execute(caller(), calls, Optional.empty());
            if (tx.revertReason().isPresent()) {
                throw new EscrowRevertedException(tx.revertReason().get(), context);
            }
            return new Invoked(tx.toTxResult(), tx.events());
        }

        @Override
        public boolean offers(String entryPoint) {
            return ledger.offers(entryPoint);
        }

        @Override
        public Optional<ChainId> chainId() {
            return Optional.of(ledger.chainId);
        }

        @Override
        public EventPage events(EventCursor after, int max) {
            open();
            Require.present("after", after);
            return EscrowEvents.page(after, max, ledger.contractEvents(ledger.contract, after.block()));
        }

        private void open() {
            if (closed) {
                throw new IllegalStateException("this escrow client is closed");
            }
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public String toString() {
            return "LedgerEscrow[caller=" + caller() + ", contract=" + contract() + "]";
        }
    }

    /**
     * A client of the staking contract deployed beside the escrow ({@link Builder#staking}).
     *
     * @param caller the account the client acts for
     * @return a {@link Staking} whose writes are sent from {@code caller}
     * @throws IllegalStateException when this ledger has no staking contract
     */
    public Staking staking(ContractAddress caller) {
        Require.present("caller", caller);
        ContractAddress address = stakingContract().orElseThrow(() -> new IllegalStateException(
                "this ledger has no staking contract: deploy one with Ledger.builder().staking(...)"));
        Ledger ledger = this;
        return new CallStaking(caller, address, token) {
            private volatile boolean closed;

            @Override
            protected List<Felt> view(ContractCall call) {
                open();
                return ledger.call(call);
            }

            @Override
            protected TxResult send(List<ContractCall> calls, String context) {
                open();
                LedgerTransaction tx = ledger.execute(caller(), calls, Optional.empty());
                if (tx.revertReason().isPresent()) {
                    throw new EscrowRevertedException(tx.revertReason().get(), context);
                }
                return tx.toTxResult();
            }

            @Override
            protected Iterator<ChainEvent> contractEvents(long fromBlock) {
                open();
                return ledger.contractEvents(address, fromBlock);
            }

            @Override
            protected Instant blockTimestamp(long block) {
                return ledger.transactionInBlock(block).map(t -> Instant.ofEpochSecond(t.timestamp().getEpochSecond())).orElseThrow(
                        () -> new InvalidFieldException("block", "a block of this ledger", block));
            }

            private void open() {
                if (closed) {
                    throw new IllegalStateException("this staking client is closed");
                }
            }

            @Override
            public void close() {
                closed = true;
            }

            @Override
            public String toString() {
                return "LedgerStaking[caller=" + caller() + ", contract=" + contract() + "]";
            }
        };
    }

    /** @return the staking contract's address, when one is deployed */
    public Optional<ContractAddress> stakingContract() {
        lock.lock();
        try {
            return machine.staking().map(StakingContract::address);
        } finally {
            lock.unlock();
        }
    }

    /** A contract's events from the start of a block, read lazily in chunks. */
    private Iterator<ChainEvent> contractEvents(ContractAddress emitter, long fromBlock) {
        return new Iterator<>() {
            private static final int CHUNK = 256;
            private List<ChainEvent> buffer = List.of();
            private int at;
            private long from = fromBlock;
            private int skip; // events of block `from` already read
            private boolean done;

            @Override
            public boolean hasNext() {
                if (at < buffer.size()) {
                    return true;
                }
                if (done) {
                    return false;
                }
                buffer = events(from, Long.MAX_VALUE, Optional.of(emitter), List.of(), skip, CHUNK);
                at = 0;
                done = buffer.size() < CHUNK;
                if (!buffer.isEmpty()) {
                    long last = buffer.get(buffer.size() - 1).block();
                    int inLast = (int) buffer.stream().filter(e -> e.block() == last).count();
                    skip = last == from ? skip + inLast : inLast;
                    from = last;
                }
                return !buffer.isEmpty();
            }

            @Override
            public ChainEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return buffer.get(at++);
            }
        };
    }

    // ------------------------------------------------------------------ raw interface (the test node's)

    /**
     * Executes a multicall as one transaction in a new block.
     *
     * @param sender the account
     * @param calls the calls, in order
     * @param hash the transaction hash (the test node passes the real invoke hash), or empty to derive one
     * @return the transaction, with its revert reason when it reverted
     */
    public LedgerTransaction execute(ContractAddress sender, List<ContractCall> calls, Optional<Felt> hash) {
        Require.present("sender", sender);
        Require.present("calls", calls);
        lock.lock();
        try {
            return machine.execute(sender, calls, hash);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs a multicall without keeping its effects: what {@code starknet_estimateFee} simulates.
     *
     * @param sender the account
     * @param calls the calls
     * @return the revert reason, empty when it would succeed
     */
    public Optional<String> dryRun(ContractAddress sender, List<ContractCall> calls) {
        lock.lock();
        try {
            return machine.simulate(sender, calls).reason();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A read-only call (from the zero address), as {@code starknet_call} makes it.
     *
     * @param call the call
     * @return its return values
     * @throws EscrowRevertedException when it reverts
     */
    public List<Felt> call(ContractCall call) {
        LedgerMachine.Outcome o;
        lock.lock();
        try {
            o = machine.simulate(ContractAddress.ZERO, List.of(call));
        } finally {
            lock.unlock();
        }
        if (o.reason().isPresent()) {
            throw new EscrowRevertedException(o.reason().get(), "call " + call.selector().hex() + " on " + call.to());
        }
        return o.results().get(0);
    }

    /**
     * @param account an account
     * @return how many transactions it sent, its next nonce
     */
    public Felt nonce(ContractAddress account) {
        lock.lock();
        try {
            return Felt.of(machine.nonce(account));
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param hash a transaction hash
     * @return the transaction, when this ledger executed it
     */
    public Optional<LedgerTransaction> transaction(Felt hash) {
        lock.lock();
        try {
            return machine.transaction(hash);
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param block a block number, from 1
     * @return the transaction in it
     */
    public Optional<LedgerTransaction> transactionInBlock(long block) {
        lock.lock();
        try {
            return machine.transactionInBlock(block);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Events in blocks {@code [fromBlock, toBlock]}, oldest first.
     *
     * @param fromBlock first block
     * @param toBlock last block
     * @param from only this emitter, or empty for all
     * @param keys per key position, the accepted values (an empty list accepts any)
     * @param skip matching events to skip (for paging)
     * @param max the most to return
     * @return the events
     */
    public List<ChainEvent> events(long fromBlock, long toBlock, Optional<ContractAddress> from, List<List<Felt>> keys,
            int skip, int max) {
        lock.lock();
        try {
            return machine.events(fromBlock, toBlock, from, keys, skip, max);
        } finally {
            lock.unlock();
        }
    }

    /** @return the latest block number, 0 before the first transaction */
    public long blockNumber() {
        lock.lock();
        try {
            return machine.blockNumber();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ local-network operations

    /**
     * Creates tokens for a local network (a faucet; the real STRK has no such thing).
     *
     * @param to the receiver
     * @param amount the amount
     */
    public void mint(ContractAddress to, TokenAmount amount) {
        Require.present("to", to);
        Require.present("amount", amount);
        lock.lock();
        try {
            machine.mint(to, amount.baseUnits());
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param caller must be the owner
     * @return the {@code pause} transaction
     */
    public TxResult pause(ContractAddress caller) {
        return admin(caller).pause();
    }

    /**
     * @param caller must be the owner
     * @return the {@code unpause} transaction
     */
    public TxResult unpause(ContractAddress caller) {
        return admin(caller).unpause();
    }

    /**
     * @param caller must be the owner
     * @param relayer the new relayer
     * @return the {@code set_relayer} transaction
     */
    public TxResult setRelayer(ContractAddress caller, ContractAddress relayer) {
        return admin(caller).setRelayer(relayer);
    }

    /**
     * @param caller must be the owner
     * @param treasury the new treasury
     * @return the {@code set_treasury} transaction
     */
    public TxResult setTreasury(ContractAddress caller, ContractAddress treasury) {
        return admin(caller).setTreasury(treasury);
    }

    /**
     * @param caller must be the owner
     * @param basic multiplier of tier 1, in {@code [10000, 100000]}
     * @param pro multiplier of tier 2
     * @param premium multiplier of tier 3
     * @return the {@code set_tier_multipliers} transaction
     */
    public TxResult setTierMultipliers(ContractAddress caller, BasisPoints basic, BasisPoints pro, BasisPoints premium) {
        return admin(caller).setTierMultipliers(basic, pro, premium);
    }

    /**
     * @param caller must be the owner
     * @param newOwner the next owner, not zero
     * @return the {@code transfer_ownership} transaction
     */
    public TxResult transferOwnership(ContractAddress caller, ContractAddress newOwner) {
        return admin(caller).transferOwnership(newOwner);
    }

    /**
     * Leaves the contract without an owner: no owner-only function can be called again.
     *
     * @param caller must be the owner
     * @return the {@code renounce_ownership} transaction
     */
    public TxResult renounceOwnership(ContractAddress caller) {
        return admin(caller).renounceOwnership();
    }

    /**
     * @param caller must be the owner
     * @param node the node to suspend
     * @return the {@code suspend_node} transaction
     */
    public TxResult suspendNode(ContractAddress caller, ContractAddress node) {
        return admin(caller).suspendNode(node);
    }

    // ------------------------------------------------------------------ views for local use

    /**
     * @param entryPoint an entry point's name, e.g. {@code settle_with_effort_and_affiliate}
     * @return whether the SmainerContract here has it (all of the public source's do unless the ledger was built
     *     {@link Builder#withoutEntryPoints without some})
     */
    public boolean offers(String entryPoint) {
        Felt selector = Abi.selector(Require.present("entry_point", entryPoint));
        lock.lock();
        try {
            return machine.contractAt(contract).orElseThrow().entryPoints().has(selector);
        } finally {
            lock.unlock();
        }
    }

    /** @return the escrow contract's address */
    public ContractAddress contract() {
        return contract;
    }

    /** @return the token's address */
    public ContractAddress token() {
        return token;
    }

    /** @return the chain id reported */
    public ChainId chainId() {
        return chainId;
    }

    /** @return the contract's owner */
    public ContractAddress owner() {
        return new ContractAddress(call(ContractCall.of(contract, Abi.OWNER, List.of())).get(0));
    }

    /** @return the relayer allowed to settle, {@link ContractAddress#ZERO} while none is set */
    public ContractAddress relayer() {
        return new ContractAddress(call(ContractCall.of(contract, Abi.GET_RELAYER, List.of())).get(0));
    }

    /** @return where fees go */
    public ContractAddress treasury() {
        return new ContractAddress(call(ContractCall.of(contract, Abi.GET_TREASURY, List.of())).get(0));
    }

    /**
     * @param account an account
     * @return its token balance
     */
    public TokenAmount balanceOf(ContractAddress account) {
        lock.lock();
        try {
            return TokenAmount.ofBaseUnits(machine.balanceOf(account));
        } finally {
            lock.unlock();
        }
    }

    /** @return every token minted */
    public TokenAmount totalSupply() {
        lock.lock();
        try {
            return TokenAmount.ofBaseUnits(machine.totalSupply());
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ persistence

    /**
     * Writes the whole state (balances, contract, transactions and events) as JSON, atomically: to a
     * temporary file beside {@code file}, then renamed over it.
     *
     * @param file where to write
     */
    public void save(Path file) {
        String json;
        lock.lock();
        try {
            json = LedgerSnapshot.toJson(machine);
        } finally {
            lock.unlock();
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                Files.writeString(tmp, json, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the ledger to " + file, e);
        }
    }

    /**
     * Loads a ledger saved by {@link #save(Path)}, with the system clock and the default crypto.
     *
     * @param file the saved state
     * @return the ledger
     */
    public static Ledger load(Path file) {
        return load(file, Clock.systemUTC(), StarkCrypto.defaultCrypto());
    }

    /**
     * Loads a ledger saved by {@link #save(Path)}.
     *
     * @param file the saved state
     * @param clock block timestamps from now on
     * @param crypto receipt checks
     * @return the ledger, as it was saved
     */
    public static Ledger load(Path file, Clock clock, StarkCrypto crypto) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the ledger from " + file, e);
        }
        LedgerMachine m = LedgerSnapshot.fromJson(json, crypto, clock);
        return new Ledger(m, LedgerSnapshot.contractOf(m), LedgerSnapshot.tokenOf(m), LedgerSnapshot.chainIdOf(m), clock,
                crypto);
    }

    /**
     * A digest of the whole state for tests: equal ledgers give equal strings.
     *
     * @return the state as canonical JSON
     */
    public String stateJson() {
        lock.lock();
        try {
            return LedgerSnapshot.toJson(machine);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Ledger[chain=" + chainId + ", contract=" + contract + ", token=" + token + ", crypto=" + crypto.name()
                + ", clock=" + clock + "]";
    }
}
