package io.smainer.examples;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.client.SmainerClient;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.Ledger;
import io.smainer.fee.Tier;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobRunner;
import io.smainer.provider.ProviderListener;
import io.smainer.provider.ProviderNode;
import io.smainer.relayer.Relayer;
import io.smainer.relayer.RelayerConfig;
import io.smainer.relayer.settlement.ResultCheckers;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * A whole Smainer network in one process, for the examples and {@code ./smainer demo}: an in-process
 * {@link Ledger} plays Starknet (the STRK token and the SmainerContract, with the contract's own rules), the
 * reference {@link Relayer} listens on a free loopback port with its in-memory store, and any number of
 * {@link ProviderNode}s connect to it over a real WebSocket. One demander account is funded and its key is
 * known to the relayer, so it can submit signed tasks at once.
 *
 * <pre>{@code
 * try (LocalNetwork net = LocalNetwork.builder().javaProviders(2).build()) {
 *     SmainerClient client = net.demanderClient();
 *     // fund an escrow, submit, await the result ...
 * }
 * }</pre>
 *
 * <p>Building it starts everything; {@link #close()} stops the provider nodes, the relayer and the job
 * runners the network created (idempotent). The apps' INFO logs are turned down to WARN on start so that
 * an example's own output reads clearly. Not meant for production: the chain is a map in memory.
 */
public final class LocalNetwork implements AutoCloseable {
    /** The contract owner's account. */
    public static final ContractAddress OWNER = ContractAddress.of(0x1001);
    /** The relayer's account: the only one allowed to settle. */
    public static final ContractAddress RELAYER = ContractAddress.of(0x1002);
    /** Where the protocol's 12% goes. */
    public static final ContractAddress TREASURY = ContractAddress.of(0x1003);
    /** The demander's account. */
    public static final ContractAddress DEMANDER = ContractAddress.of(0xD0);
    /** Provider accounts are numbered from here: 0xA0, 0xA1, ... */
    public static final int FIRST_PROVIDER = 0xA0;
    /** STRK minted to the demander unless set. */
    public static final TokenAmount DEFAULT_DEMANDER_FUNDS = TokenAmount.parseStrk("1000");
    /** How long {@link #startProvider} and {@link #awaitProvidersOnline} wait for a login. */
    public static final Duration ONLINE_WAIT = Duration.ofSeconds(30);

    /**
     * A provider account, registered on-chain with its receipt key published: what a provider node needs to
     * log in.
     *
     * @param address the account
     * @param keyPair the key whose public half is published on-chain for it
     */
    public record ProviderAccount(ContractAddress address, KeyPair keyPair) {
    }

    private final StarkCrypto crypto;
    private final Ledger ledger;
    private final KeyPair demanderKey;
    private final TokenAmount demanderFunds;
    private final Relayer relayer;
    private final SecureRandom random = new SecureRandom();
    private final List<ProviderNode> nodes = new CopyOnWriteArrayList<>();
    private final List<JobRunner> ownedRunners = new CopyOnWriteArrayList<>();
    private int nextProvider = FIRST_PROVIDER;
    private boolean closed;

    private LocalNetwork(Builder b) {
        quietLogs();
        this.crypto = b.crypto;
        this.demanderFunds = b.demanderFunds;
        this.ledger = Ledger.builder().owner(OWNER).relayer(RELAYER).treasury(TREASURY).crypto(crypto).build();
        ledger.mint(DEMANDER, demanderFunds);
        this.demanderKey = KeyPair.generate(random, crypto);

        // The relayer learns the demander's public key from its configuration (demander_keys): a task
        // request must carry that key's SNIP-12 signature. It settles as the RELAYER account.
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("host", "127.0.0.1");
        settings.put("port", "0");
        StringBuilder keys = new StringBuilder(DEMANDER.hex() + ":" + demanderKey.publicKey().hex());
        b.otherDemanders.forEach((address, key) -> keys.append(',').append(address.hex()).append(':').append(key.hex()));
        settings.put("demander_keys", keys.toString());
        settings.put("settlement.max_delay_millis", "50");
        settings.put("limits.rate_per_second", "100000");
        settings.put("limits.rate_burst", "100000");
        settings.put("limits.ip_rate_per_second", "0");
        settings.putAll(b.relayerSettings);
        this.relayer = Relayer.builder().config(RelayerConfig.load(settings)).escrow(ledger.client(RELAYER))
                .resultCheckers(b.checkers).crypto(crypto).build().start();
        try {
            for (int i = 0; i < b.javaProviders; i++) {
                JavaJobRunner runner = JavaJobRunner.builder().name("java-" + i).computeThreads(1).workerThreads(2).build();
                ownedRunners.add(runner);
                startProvider("provider-" + (i + 1), Tier.PREMIUM, runner, 4);
            }
        } catch (RuntimeException | InterruptedException e) {
            close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("the local network did not come up: " + e.getMessage(), e);
        }
    }

    /** @return a builder: no providers, the default demander funds and the standard result checkers */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the in-process chain */
    public Ledger ledger() {
        return ledger;
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

    /** @return the demander's key (its public half is in the relayer's {@code demander_keys}) */
    public KeyPair demanderKey() {
        return demanderKey;
    }

    /** @return the demander's escrow client: the ledger, acting as {@link #DEMANDER} */
    public Escrow demanderEscrow() {
        return ledger.client(DEMANDER);
    }

    /** @return what was minted to the demander */
    public TokenAmount demanderFunds() {
        return demanderFunds;
    }

    /** @return a client for the demander, talking to this relayer and paying through the ledger */
    public SmainerClient demanderClient() {
        return SmainerClient.builder().relayer(relayerUri()).escrow(demanderEscrow()).keyPair(demanderKey)
                .chainId(chainId()).crypto(crypto).build();
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
     * Registers a provider account, starts a node for it on {@code runner} and waits until the relayer has
     * it online. The network closes the node; the runner stays the caller's.
     *
     * @param name the node's display name
     * @param tier the highest tier it serves
     * @param runner where it runs jobs
     * @param concurrency tasks at once
     * @return the node, logged in
     * @throws InterruptedException when interrupted while waiting
     */
    public ProviderNode startProvider(String name, Tier tier, JobRunner runner, int concurrency) throws InterruptedException {
        ProviderAccount account = registerProvider();
        ProviderNode node = ProviderNode.builder().relayer(relayerUri()).account(account.address(), account.keyPair())
                .runner(runner).concurrency(concurrency).tier(tier).name(name).crypto(crypto).listener(ProviderListener.NONE)
                .build();
        nodes.add(node);
        node.start();
        awaitProvidersOnline(nodes.size());
        return node;
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
     * Waits until the relayer counts at least {@code count} provider nodes online.
     *
     * @param count nodes
     * @throws InterruptedException when interrupted
     * @throws IllegalStateException when they are not online within {@link #ONLINE_WAIT}
     */
    public void awaitProvidersOnline(int count) throws InterruptedException {
        long deadline = System.nanoTime() + ONLINE_WAIT.toNanos();
        while (online() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("expected " + count + " providers online within " + ONLINE_WAIT.toSeconds()
                        + " s, got " + online());
            }
            Thread.sleep(20);
        }
    }

    private long online() {
        return relayer.store().nodes().stream().filter(n -> n.online()).count();
    }

    /** Closes the provider nodes (handing back what they run), the relayer and the runners it made. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ProviderNode n : nodes) {
            n.close(Duration.ofSeconds(2));
        }
        relayer.close();
        ownedRunners.forEach(JobRunner::close);
    }

    /** The examples print their own story; the apps' INFO logs would bury it. Warnings still show. */
    static void quietLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            for (Logger logger : context.getLoggerList()) {
                if (logger.getLevel() != null && !logger.getLevel().isGreaterOrEqual(Level.WARN)) {
                    logger.setLevel(Level.WARN);
                }
            }
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        }
    }

    /** Builds and starts a {@link LocalNetwork}. */
    public static final class Builder {
        private int javaProviders;
        private TokenAmount demanderFunds = DEFAULT_DEMANDER_FUNDS;
        private ResultCheckers checkers = ResultCheckers.standard();
        private StarkCrypto crypto = StarkCrypto.defaultCrypto();
        private final Map<String, String> relayerSettings = new LinkedHashMap<>();
        private final Map<ContractAddress, Felt> otherDemanders = new LinkedHashMap<>();

        private Builder() {
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
         * @param count provider nodes to start on Java runners the network owns (premium tier, 4 tasks at once)
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
         * @param funds STRK minted to the demander
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
         * @param key a relayer setting (see docs/operations.md), e.g. {@code price.min_base.word-count}
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

        /** @return the network, running */
        public LocalNetwork build() {
            return new LocalNetwork(this);
        }
    }
}
