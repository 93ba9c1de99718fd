package io.smainer.testkit;

import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.client.SmainerClient;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.StarknetEscrow;
import io.smainer.escrow.local.LedgerRpcServer;
import io.smainer.fee.Tier;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobHandler;
import io.smainer.job.JobRunner;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.provider.ProviderListener;
import io.smainer.provider.ProviderNode;
import io.smainer.relayer.Relayer;
import io.smainer.relayer.intake.AccountSignatureCheck;
import io.smainer.relayer.settlement.ResultCheckers;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A whole Smainer network in one JVM, for tests and demos: an in-process {@link Ledger} plays Starknet (the
 * STRK token and the SmainerContract, with the contract's own rules), the reference {@link Relayer} listens on
 * a free loopback port with its in-memory store, and {@link ProviderNode}s connect to it over a real
 * WebSocket. Demander accounts are funded and their keys known to the relayer, so they can submit signed
 * tasks at once. Nothing is a double of the protocol: the relayer checks every signature and escrow, and the
 * ledger moves the money exactly as the contract does.
 *
 * <pre>{@code
 * try (LocalNetwork net = LocalNetwork.builder().provider(new MyHandler()).build()) {
 *     Api.TaskResult r = net.run(JobSpec.of("my-kind", Map.of(), payload), TokenAmount.parseStrk("0.1"));
 * }
 * }</pre>
 *
 * <p>In a JUnit 5 test, {@link LocalNetworkExtension} starts and closes one for you. Building it starts
 * everything; {@link #close()} stops the provider nodes, the relayer and the job runners the network created
 * (idempotent). Not meant for production: the chain is a map in memory.
 */
public final class LocalNetwork implements AutoCloseable {
    /** The contract owner's account. */
    public static final ContractAddress OWNER = Ledger.DEFAULT_OWNER;
    /** The relayer's account: the only one allowed to settle. */
    public static final ContractAddress RELAYER = Ledger.DEFAULT_RELAYER;
    /** Where the protocol's 12% goes. */
    public static final ContractAddress TREASURY = Ledger.DEFAULT_TREASURY;
    /** The first demander's account; further demanders are 0xD1, 0xD2, ... */
    public static final ContractAddress DEMANDER = ContractAddress.of(0xD0);
    private static final long DEMANDER_BASE = 0xD0;
    /** Provider accounts are numbered from here: 0xA0, 0xA1, ... */
    public static final int FIRST_PROVIDER = 0xA0;
    /** STRK minted to each demander unless set. */
    public static final TokenAmount DEFAULT_DEMANDER_FUNDS = TokenAmount.parseStrk("1000");
    /** How long the network waits for provider logins, and {@link #run} for a result, unless told. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    /**
     * A provider account, registered on-chain with its receipt key published: what a provider node needs to
     * log in.
     *
     * @param address the account
     * @param keyPair the key whose public half is published on-chain for it
     */
    public record ProviderAccount(ContractAddress address, KeyPair keyPair) {
    }

    /**
     * A funded demander account whose request key the relayer knows.
     *
     * @param address the account
     * @param keyPair the key its task requests are signed with
     */
    public record Demander(ContractAddress address, KeyPair keyPair) {
    }

    /**
     * A task funded on-chain and accepted by the relayer.
     *
     * @param escrowId the on-chain escrow's id (what the ledger and settlement name)
     * @param taskId the relayer's task id (what the REST API names)
     * @param escrowed what the escrow locked
     */
    public record SubmittedTask(U256 escrowId, String taskId, TokenAmount escrowed) {
    }

    private final StarkCrypto crypto;
    private final Ledger ledger;
    private final List<Demander> demanders = new ArrayList<>();
    private final TokenAmount demanderFunds;
    private final Relayer relayer;
    private final SecureRandom random = new SecureRandom();
    private final List<ProviderNode> nodes = new CopyOnWriteArrayList<>();
    private final List<JobRunner> ownedRunners = new CopyOnWriteArrayList<>();
    private final List<SmainerClient> clients = new CopyOnWriteArrayList<>();
    private final LedgerRpcServer rpc; // null unless the builder asked for it
    private final StarknetEscrow accountReader; // with rpc: asks accounts about signatures for the relayer
    private int nextProvider = FIRST_PROVIDER;
    private boolean closed;

    private LocalNetwork(Builder b) {
        this.crypto = b.crypto;
        this.demanderFunds = b.demanderFunds;
        this.ledger = Ledger.builder().owner(OWNER).relayer(RELAYER).treasury(TREASURY).crypto(crypto).build();
        this.rpc = b.jsonRpc ? LedgerRpcServer.builder().ledger(ledger).crypto(crypto).start() : null;
        // With the node, the relayer asks an account it has no key for (or a signature that is not [r, s]) through
        // SNIP-6 is_valid_signature over JSON-RPC, as it does on Starknet: as RELAYER, with a key of its own there.
        this.accountReader = rpc == null ? null : accountReader(rpc, ledger, crypto, random);
        // The relayer learns the demanders' public keys (a task request must carry that key's SNIP-12
        // signature) and settles as the RELAYER account; settlement batches wait at most 50 ms.
        Relayer.Builder relayerBuilder = Relayer.builder().host("127.0.0.1").port(0)
                .settlement(Duration.ofMillis(50), 50).rateLimits(100_000, 100_000, 0);
        for (int i = 0; i < b.demanders; i++) {
            Demander d = new Demander(ContractAddress.of(DEMANDER_BASE + i), KeyPair.generate(random, crypto));
            ledger.mint(d.address(), demanderFunds);
            demanders.add(d);
            relayerBuilder.demanderKey(d.address(), d.keyPair().publicKey());
        }
        b.otherDemanders.forEach(relayerBuilder::demanderKey);
        b.relayerSettings.forEach(relayerBuilder::setting);
        if (accountReader != null) {
            relayerBuilder.accountSignatures(AccountSignatureCheck.snip6(accountReader));
        }
        this.relayer = relayerBuilder.escrow(ledger.client(RELAYER)).resultCheckers(b.checkers).crypto(crypto).build().start();
        try {
            for (int i = 0; i < b.javaProviders; i++) {
                JavaJobRunner runner = JavaJobRunner.builder().name("java-" + i).computeThreads(1).workerThreads(2).build();
                ownedRunners.add(runner);
                startProvider("provider-" + (nodes.size() + 1), Tier.PREMIUM, runner, 4);
            }
            for (List<JobHandler> handlers : b.handlerProviders) {
                JavaJobRunner.Builder rb = JavaJobRunner.builder().standardKinds(false).computeThreads(1).workerThreads(2)
                        .name("handlers-" + nodes.size());
                handlers.forEach(rb::handler);
                JavaJobRunner runner = rb.build();
                ownedRunners.add(runner);
                startProvider("provider-" + (nodes.size() + 1), Tier.PREMIUM, runner, 4);
            }
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("the local network did not come up: " + e.getMessage(), e);
        }
    }

    private static StarknetEscrow accountReader(LedgerRpcServer rpc, Ledger ledger, StarkCrypto crypto, SecureRandom random) {
        KeyPair key = KeyPair.generate(random, crypto);
        rpc.addAccount(RELAYER, key.publicKey());
        return StarknetEscrow.builder().rpcUrl(rpc.url()).account(RELAYER).privateKey(key.privateKey())
                .contract(ledger.contract()).token(ledger.token()).chainId(ledger.chainId()).crypto(crypto).build();
    }

    /** @return a builder: one funded demander, no providers, the standard result checkers */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the in-process chain */
    public Ledger ledger() {
        return ledger;
    }

    /**
     * The ledger served as a Starknet JSON-RPC node ({@link LedgerRpcServer}, RPC 0.10), so that starknet.js,
     * starkli or a {@code StarknetEscrow} can read and write the same chain the relayer settles on.
     *
     * @return its URL, when the builder asked for it ({@link Builder#jsonRpc})
     */
    public Optional<URI> rpcUrl() {
        return rpcServer().map(LedgerRpcServer::url);
    }

    /** @return the JSON-RPC node, when the builder asked for it: register accounts on it to send transactions */
    public Optional<LedgerRpcServer> rpcServer() {
        return Optional.ofNullable(rpc);
    }

    /** @return the chain id the relayer and the ledger use ({@link ChainId#LOCAL}) */
    public ChainId chainId() {
        return ledger.chainId();
    }

    /** @return the Stark-curve implementation everyone here signs with */
    public StarkCrypto crypto() {
        return crypto;
    }

    /** @return the running relayer */
    public Relayer relayer() {
        return relayer;
    }

    /** @return the relayer's address, {@code http://127.0.0.1:PORT}; provider nodes take it as well */
    public URI relayerUri() {
        return relayer.uri();
    }

    /** @return the funded demanders, the first at {@link #DEMANDER} */
    public List<Demander> demanders() {
        return List.copyOf(demanders);
    }

    /** @return the first demander's key (its public half is in the relayer's {@code demander_keys}) */
    public KeyPair demanderKey() {
        return demander(0).keyPair();
    }

    /** @return the first demander's escrow client: the ledger, acting as {@link #DEMANDER} */
    public Escrow demanderEscrow() {
        return ledger.client(demander(0).address());
    }

    /** @return what was minted to each demander */
    public TokenAmount demanderFunds() {
        return demanderFunds;
    }

    /** @return a client for the first demander; the network closes it */
    public SmainerClient demanderClient() {
        return client(0);
    }

    /**
     * A client for one demander, talking to this relayer and paying through the ledger. The network closes
     * it with itself (closing it earlier is fine).
     *
     * @param demander the demander's index in {@link #demanders()}
     * @return the client
     */
    public SmainerClient client(int demander) {
        Demander d = demander(demander);
        SmainerClient c = SmainerClient.builder().relayer(relayerUri()).escrow(ledger.client(d.address())).keyPair(d.keyPair())
                .chainId(chainId()).crypto(crypto).build();
        clients.add(c);
        return c;
    }

    private Demander demander(int i) {
        if (i < 0 || i >= demanders.size()) {
            throw new IllegalArgumentException("demander: expected 0 to " + (demanders.size() - 1) + ", got " + i);
        }
        return demanders.get(i);
    }

    /**
     * Funds an escrow as the first demander and submits the job against it.
     *
     * @param job the job
     * @param amount the base price (basic tier)
     * @return both ids and the amount locked
     */
    public SubmittedTask submit(JobSpec job, TokenAmount amount) {
        SmainerClient c = demanderClient();
        CreatedTask funded = c.createEscrow(amount, Tier.BASIC, job);
        Api.TaskCreated created = c.submit(funded.escrowId(), job);
        return new SubmittedTask(funded.escrowId(), created.taskId(), funded.escrowed());
    }

    /**
     * Funds, submits and waits for the settled result, as the first demander, for up to {@link #DEFAULT_WAIT}.
     *
     * @param job the job
     * @param amount the base price (basic tier)
     * @return the result, released after settlement
     */
    public Api.TaskResult run(JobSpec job, TokenAmount amount) {
        SubmittedTask t = submit(job, amount);
        return demanderClient().awaitResult(t.taskId(), DEFAULT_WAIT);
    }

    /**
     * Creates a provider account the way a real provider sets one up: {@code register_node} and
     * {@code set_provider_public_key} on the contract, from the account itself.
     *
     * @return the account and its key
     */
    public synchronized ProviderAccount registerProvider() {
        ContractAddress address = ContractAddress.of(nextProvider++);
        KeyPair key = KeyPair.generate(random, crypto);
        Escrow own = ledger.client(address);
        own.registerNode();
        own.setProviderPublicKey(key.publicKey());
        return new ProviderAccount(address, key);
    }

    /**
     * Registers a provider account, starts a node for it on {@code runner} and waits until it is logged in.
     * The network closes the node; the runner stays the caller's.
     *
     * @param name the node's display name
     * @param tier the highest tier it serves
     * @param runner where it runs jobs
     * @param concurrency tasks at once
     * @return the node, logged in
     */
    public ProviderNode startProvider(String name, Tier tier, JobRunner runner, int concurrency) {
        ProviderAccount account = registerProvider();
        ProviderNode node = ProviderNode.builder().relayer(relayerUri()).account(account.address(), account.keyPair())
                .runner(runner).concurrency(concurrency).tier(tier).name(name).crypto(crypto).listener(ProviderListener.NONE)
                .build();
        nodes.add(node);
        node.start();
        awaitLogin(node, DEFAULT_WAIT);
        return node;
    }

    /**
     * Starts a provider node that sells the given handlers' kinds (and no standard kind), on a runner the
     * network owns, and waits until it is logged in.
     *
     * @param handlers the job kinds it sells
     * @return the node, logged in
     */
    public ProviderNode startProvider(JobHandler... handlers) {
        JavaJobRunner.Builder rb = JavaJobRunner.builder().standardKinds(false).computeThreads(1).workerThreads(2)
                .name("handlers-" + nodes.size());
        for (JobHandler h : handlers) {
            rb.handler(h);
        }
        JavaJobRunner runner = rb.build();
        ownedRunners.add(runner);
        return startProvider("provider-" + (nodes.size() + 1), Tier.PREMIUM, runner, 4);
    }

    /** @return the provider nodes this network started */
    public List<ProviderNode> providers() {
        return List.copyOf(nodes);
    }

    /** @return the addresses of the provider nodes this network started, in order */
    public List<ContractAddress> providerAddresses() {
        List<ContractAddress> out = new ArrayList<>();
        nodes.forEach(n -> out.add(n.address()));
        return out;
    }

    /**
     * Waits until a provider node is logged in and the relayer counts it online.
     *
     * @param node a node connected to this network's relayer
     * @param timeout the most to wait
     * @throws IllegalStateException when it is not within the timeout, with its last connection problem
     */
    public void awaitLogin(ProviderNode node, Duration timeout) {
        waitFor(timeout, () -> node.status().state() == ProviderNode.State.READY && relayer.store().nodes().stream()
                .anyMatch(n -> n.online() && n.address().equals(node.address())),
                () -> "provider " + node.address().hex() + " logged in (it is " + node.status().state()
                        + node.status().lastError().map(e -> ", last error: " + e).orElse("") + ")");
    }

    /**
     * Waits until the relayer counts at least {@code count} provider nodes online.
     *
     * @param count nodes
     * @throws IllegalStateException when they are not online within {@link #DEFAULT_WAIT}
     */
    public void awaitProvidersOnline(int count) {
        waitFor(DEFAULT_WAIT, () -> online() >= count, () -> count + " providers online (" + online() + " are)");
    }

    private long online() {
        return relayer.store().nodes().stream().filter(n -> n.online()).count();
    }

    /** Polls with a growing pause (1 to 50 ms) until the condition holds or the time is up. */
    private static void waitFor(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 1;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("expected within " + timeout.toSeconds() + " s: " + what.get());
            }
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what.get());
            }
            LockSupport.parkNanos(pause * 1_000_000);
            pause = Math.min(pause * 2, 50);
        }
    }

    /** Closes the clients, the provider nodes (handing back what they run), the relayer and the runners it made. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        clients.forEach(SmainerClient::close);
        for (ProviderNode n : nodes) {
            n.close(Duration.ofSeconds(2));
        }
        if (relayer != null) {
            relayer.close();
        }
        ownedRunners.forEach(JobRunner::close);
        if (accountReader != null) {
            accountReader.close();
        }
        if (rpc != null) {
            rpc.close();
        }
    }

    /** Builds and starts a {@link LocalNetwork}. */
    public static final class Builder {
        private int javaProviders;
        private int demanders = 1;
        private final List<List<JobHandler>> handlerProviders = new ArrayList<>();
        private TokenAmount demanderFunds = DEFAULT_DEMANDER_FUNDS;
        private ResultCheckers checkers = ResultCheckers.standard();
        private StarkCrypto crypto = StarkCrypto.defaultCrypto();
        private final Map<String, String> relayerSettings = new LinkedHashMap<>();
        private final Map<ContractAddress, Felt> otherDemanders = new LinkedHashMap<>();
        private boolean jsonRpc;

        private Builder() {
        }

        /**
         * Also serves the ledger as a Starknet JSON-RPC node on a free loopback port ({@link LocalNetwork#rpcUrl()}),
         * for starknet.js, starkli or a {@code StarknetEscrow}; its accounts are registered with
         * {@code LedgerRpcServer.addAccount} (or {@code addArgentAccount}). The relayer then asks a demander account
         * whose key it does not know, and any signature that is not {@code [r, s]}, through the account's SNIP-6
         * {@code is_valid_signature} on that node, as on Starknet. Default off.
         *
         * @param on true to serve it
         * @return this
         */
        public Builder jsonRpc(boolean on) {
            this.jsonRpc = on;
            return this;
        }

        /**
         * Lets another account submit tasks: the relayer learns its request key. (It still has to fund its
         * escrows on {@link #ledger()}, e.g. through a Starknet JSON-RPC node in front of it.)
         *
         * @param address the demander's account
         * @param publicKey the public key its task requests are signed with
         * @return this
         */
        public Builder demander(ContractAddress address, Felt publicKey) {
            otherDemanders.put(address, publicKey);
            return this;
        }

        /**
         * @param count funded demander accounts with keys the relayer knows, from {@link #DEMANDER} on (default 1)
         * @return this
         */
        public Builder demanders(int count) {
            if (count < 0 || count > 64) {
                throw new IllegalArgumentException("demanders: expected 0 to 64, got " + count);
            }
            this.demanders = count;
            return this;
        }

        /**
         * @param count provider nodes to start on Java runners the network owns, selling the standard kinds
         *     (premium tier, 4 tasks at once)
         * @return this
         */
        public Builder javaProviders(int count) {
            if (count < 0 || count > 64) {
                throw new IllegalArgumentException("java_providers: expected 0 to 64, got " + count);
            }
            this.javaProviders = count;
            return this;
        }

        /**
         * Adds one provider node that sells these handlers' kinds and no standard kind (premium tier, 4 tasks
         * at once), on a runner the network owns. Call once per node.
         *
         * @param handlers the job kinds it sells
         * @return this
         */
        public Builder provider(JobHandler... handlers) {
            if (handlers.length == 0) {
                throw new IllegalArgumentException("handlers: expected at least one");
            }
            handlerProviders.add(List.of(handlers));
            return this;
        }

        /**
         * @param funds STRK minted to each demander
         * @return this
         */
        public Builder demanderFunds(TokenAmount funds) {
            this.demanderFunds = funds;
            return this;
        }

        /**
         * @param checkers the relayer's result checkers by job kind (default {@link ResultCheckers#standard()})
         * @return this
         */
        public Builder resultCheckers(ResultCheckers checkers) {
            this.checkers = checkers;
            return this;
        }

        /**
         * @param key a relayer setting (see docs/operations.md), e.g. {@code price.min_base.word-count}; see
         *     {@link Relayer.Builder#setting}
         * @param value its value
         * @return this
         */
        public Builder relayerSetting(String key, String value) {
            relayerSettings.put(key, value);
            return this;
        }

        /**
         * @param crypto the Stark-curve implementation (default {@link StarkCrypto#defaultCrypto()})
         * @return this
         */
        public Builder crypto(StarkCrypto crypto) {
            this.crypto = crypto;
            return this;
        }

        /** @return the network, running, every provider logged in */
        public LocalNetwork build() {
            return new LocalNetwork(this);
        }
    }
}
