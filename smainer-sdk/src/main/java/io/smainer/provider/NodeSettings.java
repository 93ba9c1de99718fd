package io.smainer.provider;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Escrow;
import io.smainer.fee.EffortPricing;
import io.smainer.fee.Tier;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobHandler;
import io.smainer.job.JobRunner;
import io.smainer.protocol.NodeCapabilities;
import io.smainer.provider.internal.Backoff;
import io.smainer.provider.internal.RelayerUris;
import io.smainer.seal.SealKeyPair;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The settings of {@link ProviderNode.Builder}, with their setters and their checks; the builder is the
 * only subclass. Not thread-safe; build once.
 */
abstract class NodeSettings {
    URI relayerUri;
    ContractAddress address;
    KeyPair keyPair;
    final List<JobRunner> runners = new ArrayList<>();
    final List<JobHandler> handlers = new ArrayList<>();
    int concurrency = ProviderNode.DEFAULT_CONCURRENCY;
    String name = ProviderNode.DEFAULT_NAME;
    Tier tier = Tier.BASIC;
    List<NodeCapabilities.GpuInfo> gpus = List.of();
    ProviderListener listener = ProviderListener.NONE;
    Clock clock = Clock.systemUTC();
    StarkCrypto crypto = StarkCrypto.defaultCrypto();
    Duration connectTimeout = ProviderNode.DEFAULT_CONNECT_TIMEOUT;
    Duration loginTimeout = ProviderNode.DEFAULT_LOGIN_TIMEOUT;
    Duration reconnectMinDelay = ProviderNode.DEFAULT_RECONNECT_MIN_DELAY;
    Duration reconnectMaxDelay = ProviderNode.DEFAULT_RECONNECT_MAX_DELAY;
    Duration closeGrace = ProviderNode.DEFAULT_CLOSE_GRACE;
    Duration pingInterval = ProviderNode.DEFAULT_PING_INTERVAL;
    Duration pingTimeout = ProviderNode.DEFAULT_PING_TIMEOUT;
    Escrow escrow;
    TokenAmount effortBasePrice = EffortPricing.BASE_PRICE;
    TokenAmount minEffortBasePrice = ProviderNode.DEFAULT_MIN_EFFORT_BASE_PRICE;
    HttpClient httpClient;
    SealKeyPair sealKeys;

    /**
     * @param url the relayer: {@code ws://host:port/api/v1/ws}, or {@code http://host:port} (the
     *     WebSocket path is added); {@code wss}/{@code https} for TLS
     * @return this builder
     * @throws InvalidFieldException ({@code relayer_url}) naming the address when it is not one
     */
    public ProviderNode.Builder relayer(String url) {
        this.relayerUri = RelayerUris.webSocketUri("relayer_url", url);
        return self();
    }

    /**
     * @param uri the relayer, as for {@link #relayer(String)}
     * @return this builder
     */
    public ProviderNode.Builder relayer(URI uri) {
        return relayer(Objects.requireNonNull(uri, "uri").toString());
    }

    /**
     * @param address the provider's account address: the one registered on-chain and named in receipts
     * @param keyPair the key whose public half is published on-chain for the address
     * @return this builder
     */
    public ProviderNode.Builder account(ContractAddress address, KeyPair keyPair) {
        this.address = Objects.requireNonNull(address, "address");
        this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
        return self();
    }

    /**
     * Adds a job runner. Tasks go to the first runner, in the order added, that runs their kind. The
     * node does not close the runner.
     *
     * @param runner a runner
     * @return this builder
     */
    public ProviderNode.Builder runner(JobRunner runner) {
        runners.add(Objects.requireNonNull(runner, "runner"));
        return self();
    }

    /**
     * Adds a handler for a workload of one's own. The node runs its handlers on a {@link JavaJobRunner} of
     * its own (one worker per task it runs at once), which it closes on {@link ProviderNode#close()};
     * handlers come before the runners added with {@link #runner(JobRunner)}.
     *
     * @param handler a job handler; its kind must be unique among the handlers
     * @return this builder
     */
    public ProviderNode.Builder handler(JobHandler handler) {
        handlers.add(Objects.requireNonNull(handler, "handler"));
        return self();
    }

    /**
     * @param concurrency tasks run at once, in {@code [1, 1024]}; more assignments are refused
     *     (reported as retryable failures)
     * @return this builder
     */
    public ProviderNode.Builder concurrency(int concurrency) {
        this.concurrency = concurrency;
        return self();
    }

    /**
     * @param name a display name the relayer shows, at most 128 characters
     * @return this builder
     */
    public ProviderNode.Builder name(String name) {
        this.name = name;
        return self();
    }

    /**
     * @param tier the highest tier this node qualifies for
     * @return this builder
     */
    public ProviderNode.Builder tier(Tier tier) {
        this.tier = Objects.requireNonNull(tier, "tier");
        return self();
    }

    /**
     * @param gpus the node's GPUs, advertised in its capabilities
     * @return this builder
     */
    public ProviderNode.Builder gpus(List<NodeCapabilities.GpuInfo> gpus) {
        this.gpus = List.copyOf(gpus);
        return self();
    }

    /**
     * @param listener receives the node's events on its thread
     * @return this builder
     */
    public ProviderNode.Builder listener(ProviderListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return self();
    }

    /**
     * @param clock the time source for deadlines (epoch millis from the relayer)
     * @return this builder
     */
    public ProviderNode.Builder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return self();
    }

    /**
     * @param crypto the Stark-curve implementation that signs logins and receipts
     * @return this builder
     */
    public ProviderNode.Builder crypto(StarkCrypto crypto) {
        this.crypto = Objects.requireNonNull(crypto, "crypto");
        return self();
    }

    /**
     * @param timeout time allowed to open the WebSocket
     * @return this builder
     */
    public ProviderNode.Builder connectTimeout(Duration timeout) {
        this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
        return self();
    }

    /**
     * @param timeout time allowed from an open socket to an acknowledged login
     * @return this builder
     */
    public ProviderNode.Builder loginTimeout(Duration timeout) {
        this.loginTimeout = Objects.requireNonNull(timeout, "timeout");
        return self();
    }

    /**
     * Reconnect waits grow from {@code min} and double up to {@code max}; each is a random time between
     * half the bound and the bound.
     *
     * @param min the first wait's upper bound
     * @param max the largest wait
     * @return this builder
     */
    public ProviderNode.Builder reconnectDelay(Duration min, Duration max) {
        this.reconnectMinDelay = Objects.requireNonNull(min, "min");
        this.reconnectMaxDelay = Objects.requireNonNull(max, "max");
        return self();
    }

    /**
     * @param grace how long {@link ProviderNode#close()} lets running tasks finish before handing them back
     * @return this builder
     */
    public ProviderNode.Builder closeGrace(Duration grace) {
        this.closeGrace = Objects.requireNonNull(grace, "grace");
        return self();
    }

    /**
     * Once logged in, the node pings the relayer every {@code interval}; when nothing at all comes back within
     * {@code timeout} of a ping, it takes the connection as dead and reconnects. This catches a relayer that
     * stopped answering while its TCP connection stays up (paused, wedged, or behind a stuck proxy).
     *
     * @param interval time between pings; default {@link ProviderNode#DEFAULT_PING_INTERVAL}
     * @param timeout how long a ping may go unanswered; default {@link ProviderNode#DEFAULT_PING_TIMEOUT}
     * @return this builder
     */
    public ProviderNode.Builder ping(Duration interval, Duration timeout) {
        this.pingInterval = Objects.requireNonNull(interval, "interval");
        this.pingTimeout = Objects.requireNonNull(timeout, "timeout");
        return self();
    }

    /**
     * Lets the node read the escrow contract (it never writes through it): before running a task it checks
     * that the task's escrow exists and is open (status CREATED), refusing unfunded or settled work, and it
     * prices effort receipts with the escrow's on-chain tier multiplier, as the relayer does. When the
     * assignment names a tier multiplier ({@code tier_multiplier}) that differs from the escrow's, the node
     * refuses the task ({@code task_failed}, not retryable, saying both). Without an escrow client the node
     * trusts the assignment: its {@code tier_multiplier}, or, from a relayer that sends none, the job's
     * {@value ProviderNode#TIER_PARAM} parameter (basic when absent).
     *
     * @param escrow a client of the escrow contract, e.g. the in-process ledger's or the Starknet one
     * @return this builder
     */
    public ProviderNode.Builder escrow(Escrow escrow) {
        this.escrow = Objects.requireNonNull(escrow, "escrow");
        return self();
    }

    /**
     * The fallback base price of effort pricing, for assignments from a relayer that predates the
     * {@code effort_base_price} field: then it must match that relayer's {@code price.effort_base}.
     * Assignments that carry the field are priced with it (bounded below by
     * {@link #minEffortBasePrice(TokenAmount)}), and this setting is not used.
     *
     * @param base the base price; default {@link EffortPricing#BASE_PRICE}
     * @return this builder
     */
    public ProviderNode.Builder effortBasePrice(TokenAmount base) {
        this.effortBasePrice = Objects.requireNonNull(base, "base");
        return self();
    }

    /**
     * The lowest effort base price this node works for. An effort task whose assignment names a lower
     * {@code effort_base_price} is refused ({@code task_failed}, retryable: another node may take it).
     *
     * @param min the minimum, in base units; default {@link ProviderNode#DEFAULT_MIN_EFFORT_BASE_PRICE} (any price)
     * @return this builder
     */
    public ProviderNode.Builder minEffortBasePrice(TokenAmount min) {
        this.minEffortBasePrice = Objects.requireNonNull(min, "min");
        return self();
    }

    /**
     * @param client the HTTP client that opens the WebSocket (for TLS or proxy settings, or one client
     *     shared by many nodes); by default a fresh one that runs its callbacks on its selector thread
     *     ({@code executor(Runnable::run)}), which suits the node: its callbacks only hand work to its loop
     * @return this builder
     */
    public ProviderNode.Builder httpClient(HttpClient client) {
        this.httpClient = Objects.requireNonNull(client, "client");
        return self();
    }

    NodeSettings() {
    }

    /**
     * @param sealKeys the X25519 key pair sealed tasks are sealed to (default: derived from the account's key pair,
     *     {@link SealKeyPair#derive}, so the keystore that holds the Stark key holds it too)
     * @return this builder
     */
    public ProviderNode.Builder sealKeys(SealKeyPair sealKeys) {
        this.sealKeys = Objects.requireNonNull(sealKeys, "sealKeys");
        return self();
    }

    private ProviderNode.Builder self() {
        return (ProviderNode.Builder) this;
    }

    /**
     * Checks every setting.
     *
     * @throws InvalidFieldException naming the first missing or bad setting
     */
    void validate() {
        if (relayerUri == null) {
            throw new InvalidFieldException("relayer_url", "a relayer address (builder.relayer(...))", null);
        }
        if (address == null || keyPair == null) {
            throw new InvalidFieldException("account", "an account address and its key pair (builder.account(...))",
                    null);
        }
        if (runners.isEmpty() && handlers.isEmpty()) {
            throw new InvalidFieldException("runners",
                    "at least one job runner or handler (builder.runner(...) or builder.handler(...))", null);
        }
        if (concurrency < 1 || concurrency > 1024) {
            throw new InvalidFieldException("concurrency", "an integer in [1, 1024]", concurrency);
        }
        positive("connect_timeout", connectTimeout);
        positive("login_timeout", loginTimeout);
        positive("ping_interval", pingInterval);
        positive("ping_timeout", pingTimeout);
        if (closeGrace.isNegative()) {
            throw new InvalidFieldException("close_grace", "zero or a positive duration", closeGrace);
        }
        backoff();
    }

    /** @return the reconnect backoff, checked */
    Backoff backoff() {
        return new Backoff(reconnectMinDelay, reconnectMaxDelay);
    }

    private static void positive(String field, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new InvalidFieldException(field, "a positive duration", d);
        }
    }
}
