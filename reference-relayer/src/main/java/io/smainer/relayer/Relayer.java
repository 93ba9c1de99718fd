package io.smainer.relayer;

import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.client.SmainerClient;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.SignatureCheckUnavailableException;
import io.smainer.escrow.SignatureVerdict;
import io.smainer.escrow.Staking;
import io.smainer.relayer.http.ApiHandler;
import io.smainer.relayer.http.JsonErrorHandler;
import io.smainer.relayer.intake.AccountKeys;
import io.smainer.relayer.intake.AccountSignatureCheck;
import io.smainer.relayer.intake.DemanderSignatures;
import io.smainer.relayer.intake.TaskIntake;
import io.smainer.relayer.scheduling.Deadlines;
import io.smainer.relayer.scheduling.EscrowSweep;
import io.smainer.relayer.scheduling.Scheduler;
import io.smainer.relayer.scheduling.Waiting;
import io.smainer.relayer.settlement.CompletionHandler;
import io.smainer.relayer.settlement.ResultAudit;
import io.smainer.relayer.settlement.ResultCheckers;
import io.smainer.relayer.settlement.Settler;
import io.smainer.relayer.settlement.WebhookDestinations;
import io.smainer.relayer.settlement.Webhooks;
import io.smainer.relayer.staking.EvidenceHandler;
import io.smainer.relayer.staking.SealedDisputes;
import io.smainer.relayer.staking.StakeGate;
import io.smainer.relayer.staking.StakingPolicy;
import io.smainer.relayer.store.GuardedStore;
import io.smainer.relayer.store.JournaledStore;
import io.smainer.relayer.store.MemoryStore;
import io.smainer.relayer.store.RedisStore;
import io.smainer.relayer.store.RelayerStore;
import io.smainer.relayer.store.TaskEvents;
import io.smainer.relayer.store.TaskRecord;
import io.smainer.relayer.web.DashboardHandler;
import io.smainer.relayer.ws.ProviderGateway;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.CrossOriginHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference relayer: REST under {@code /api/v1} and the provider WebSocket at {@code /api/v1/ws} on
 * one Jetty port, the event-driven scheduler, completion checks, batched settlement and webhooks, over
 * one {@link RelayerStore}. Build with {@link #builder()}, {@link #start()}, read {@link #port()},
 * {@link #close()} (idempotent).
 *
 * <p>Embedded in another program, the builder's typed setters say what an embedder usually sets; the rest keep
 * their defaults (docs/operations.md lists every setting, {@link Builder#setting} sets any by name). It settles
 * through the {@link Escrow} it is given, acting as the escrow's relayer account, and starts no chain of its
 * own; the store is in memory unless {@code redis.uri} is set (which needs {@code io.lettuce:lettuce-core}, an
 * optional dependency). It logs through SLF4J: bring a backend (logback, log4j) or it stays silent.
 *
 * <pre>{@code
 * Ledger ledger = Ledger.builder().owner(owner).relayer(relayerAccount).treasury(treasury).build();
 * try (Relayer relayer = Relayer.builder().host("127.0.0.1").port(0)
 *         .demanderKey(demander, demanderKey.publicKey())
 *         .escrow(ledger.client(relayerAccount)).build().start()) {
 *     System.out.println("listening on " + relayer.uri());
 * }
 * }</pre>
 */
public final class Relayer implements AutoCloseable {
    /** How long a stop waits for the REST requests in flight to finish before it cuts them. */
    public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(Relayer.class);

    private final RelayerConfig config;
    private final Escrow escrow;
    private final RelayerStore store;
    private final Clock clock;
    private final Metrics metrics = new Metrics();
    private final ScheduledExecutorService timers;
    private final ScheduledExecutorService sweeper;
    /** The one listener of every task change this relayer makes ({@link RelayerEvents}). */
    private final TaskEvents events = new RelayerEvents();
    private final Webhooks webhooks;
    private final Optional<StakingPolicy> staking;
    private final Settler settler;
    private final Scheduler scheduler;
    private final Server server;
    private final ServerConnector connector;
    private final ApiHandler api;
    private final ProviderGateway gateway;
    /** What {@link #close()} stops, in the order the constructor built it; closed last first. */
    private final Deque<Part> parts = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private boolean started;

    /** A built part and how it is stopped. */
    private record Part(String name, AutoCloseable closer) {
    }

    /**
     * Builds every part (nothing serves until {@link #start()}); each is registered as it is built, so a failure
     * half way closes what was built and {@link #close()} stops them in reverse order.
     */
    private Relayer(Builder b) {
        this.config = b.config();
        this.escrow = Require.present("escrow", b.escrow);
        AccountSignatureCheck accountSignatures = Require.present("account_signatures", b.accountSignatures);
        Optional<Staking> stakingClient = Optional.ofNullable(b.staking);
        if (config.staking().enabled() && stakingClient.isEmpty()) {
            throw new IllegalStateException("staking.enabled=true needs the staking contract's client (Relayer.builder()"
                    + ".staking(...)), got none");
        }
        this.clock = b.clock;
        StarkCrypto crypto = b.crypto;
        try {
            RelayerStore raw = b.store != null ? b.store : openStore(config, b.clock);
            this.store = GuardedStore.of(raw, describe(config, raw), b.clock);
            if (b.store == null) {
                parts.push(new Part("store", store));
            }
            this.timers = Deadlines.timerThread("relayer-timers");
            parts.push(new Part("timers", () -> {
                timers.shutdownNow();
                timers.awaitTermination(5, TimeUnit.SECONDS);
            }));
            // its own thread: the sweep reads the chain, which must not delay the deadlines on the timer thread
            this.sweeper = Deadlines.timerThread("relayer-escrow-sweep");
            parts.push(new Part("escrow sweep", sweeper::shutdownNow));
            this.webhooks = new Webhooks(config.webhook().secrets(), config.webhook().attempts(), config.webhook().backoff(),
                    clock, store, config.server().name(), WebhookDestinations.of(config.trust().webhookPrivateAllowed()));
            parts.push(new Part("webhooks", webhooks));
            Clock chainClock = b.chainClock == null ? b.clock : b.chainClock;
            this.staking = config.staking().enabled()
                    ? Optional.of(new StakingPolicy(config.staking(), stakingClient.orElseThrow(), store, chainClock,
                            p -> disconnect(p, "stake below staking.min_stake after a slash")))
                    : Optional.empty();
            staking.ifPresent(s -> parts.push(new Part("staking policy", s)));
            Escrow settling = staking.map(s -> s.settlementEscrow(escrow)).orElse(escrow);
            this.settler = Settler.builder().escrow(settling).store(store).clock(clock)
                    .batchSize(config.settlement().batchSize()).maxDelay(config.settlement().batchDelay())
                    .leaseTtl(config.settlement().leaseTtl()).owner(config.server().name()).events(events).build();
            parts.push(new Part("settler", settler));
            this.scheduler = Scheduler.builder().store(store).deadlines(Deadlines.on(timers, clock))
                    .maxAttempts(config.scheduling().maxAttempts()).offlineAfter(config.scheduling().offlineAfter())
                    .deadlineGrace(config.scheduling().deadlineGrace()).relayerName(config.server().name())
                    .effortBase(config.access().effortBase())
                    .events(events).build();
            parts.push(new Part("scheduler", scheduler));
            CompletionHandler completions = new CompletionHandler(store, crypto, escrow, b.checkers,
                    config.access().effortBase(), scheduler, clock, staking.<ResultAudit>map(s -> s).orElse(ResultAudit.NONE),
                    events);

            QueuedThreadPool threads = new QueuedThreadPool(200, 8);
            threads.setName("relayer-http");
            this.server = new Server(threads);
            server.setErrorHandler(new JsonErrorHandler());
            this.connector = new ServerConnector(server);
            connector.setHost(config.server().host());
            server.addConnector(connector);
            parts.push(new Part("Jetty", server::stop));

            AccountKeys accountKeys = b.accountKeys == null ? AccountKeys.of(config.access().demanderKeys()) : b.accountKeys;
            DemanderSignatures signatures = new DemanderSignatures(crypto, accountKeys, counted(accountSignatures));
            Waiting waiting = new Waiting(store);
            TaskIntake intake = new TaskIntake(escrow, store, signatures, config.chain().chainId(),
                    config.chain().allowedTokens(), config.access()::minBaseFor, config.webhook().secrets(),
                    WebhookDestinations.of(config.trust().webhookPrivateAllowed()), clock, config.limits().maxQueuedBytes(),
                    waiting, config.trust().maxUnmatchedPerDemander(), config.trust().maxUnmatchedTasks(),
                    config.trust().maxPendingTasks());
            this.api = new ApiHandler(config, store, intake, scheduler, escrow, metrics, clock, timers,
                    Map.of("settlement_batches", settler::batchesSent, "settlement_reverts", settler::batchesReverted,
                            "webhooks_delivered", webhooks::delivered), signatures, waiting,
                    new SealedDisputes(staking, crypto, escrow));
            parts.push(new Part("long polls", api::close));
            this.gateway = new ProviderGateway(escrow, crypto, scheduler, completions, config.limits().maxFrameBytes(), clock,
                    config.chain().chainId(), config.server().name(), config.scheduling().heartbeat(),
                    config.scheduling().challengeTtl(), metrics, staking.map(StakingPolicy::gate).orElse(StakeGate.NONE),
                    config.trust(), timers);
            parts.push(new Part("provider connections", gateway::closeAll));

            WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, c -> {
                c.setMaxTextMessageSize(config.limits().maxFrameBytes());
                c.setMaxBinaryMessageSize(1024);
                c.setIdleTimeout(config.scheduling().offlineAfter().plus(Duration.ofSeconds(30)));
                c.addMapping(ApiHandler.BASE + "/ws", (rq, rs, cb) -> gateway.newSocket(Request.getRemoteAddr(rq)));
            });
            ws.setHandler(staking.<Handler>map(s -> new Handler.Sequence(new EvidenceHandler(s), api, new DashboardHandler()))
                    .orElseGet(() -> new Handler.Sequence(api, new DashboardHandler())));
            // on stop: the connector takes no new connection, requests in flight finish (new ones on open connections
            // get 503), up to DRAIN_TIMEOUT
            server.setHandler(new GracefulHandler(crossOrigin(ws)));
            server.setStopTimeout(DRAIN_TIMEOUT.toMillis());
            registerMetrics();
        } catch (RuntimeException e) {
            closeParts();
            throw e;
        }
    }

    private void registerMetrics() {
        staking.ifPresent(s -> {
            metrics.bindStaking(s::slashesInitiated, s::slashesExecuted, s::spotChecks, s::countCallsInSettlements);
        });
        metrics.bindSettlement(settler::batchesSent, settler::batchesReverted, settler::tasksSettled);
        metrics.bindWebhooks(webhooks::delivered, webhooks::failures);
        metrics.bindStore(store::queuedBytes, config.limits()::maxQueuedBytes, store::finishedBytes,
                config.store().retention()::maxFinishedBytes, s -> store.countByStatus().get(s));
    }

    /** The staking policy's hook: a provider whose stake fell below the minimum after a slash is sent away. */
    private void disconnect(ContractAddress provider, String reason) {
        gateway.disconnect(provider, reason);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The store the settings name: Redis with {@code redis.uri}, else in memory, journaled to {@code store.journal}
     * when set ({@link JournaledStore}); each with the settings' retention.
     *
     * @param config the settings
     * @param clock the time nonces, leases and finished tasks expire by
     * @return the store; the caller closes it
     */
    public static RelayerStore openStore(RelayerConfig config, Clock clock) {
        if (config.store().redisUri().isPresent() && !redisClientPresent()) {
            throw new IllegalStateException("redis.uri is set, but the Redis store needs io.lettuce:lettuce-core on the "
                    + "class path: it is an optional dependency of smainer-relayer (the in-memory store needs none); "
                    + "add it to your build, or leave redis.uri unset");
        }
        if (config.store().redisUri().isPresent()) {
            return RedisStore.builder().uri(config.store().redisUri().get()).prefix(config.store().redisPrefix())
                    .cluster(config.store().redisCluster()).clock(clock).retention(config.store().retention()).build();
        }
        return config.store().journal().<RelayerStore>map(file -> JournaledStore.open(file, clock, config.store().retention()))
                .orElseGet(() -> MemoryStore.create(clock, config.store().retention()));
    }

    private static boolean redisClientPresent() {
        try {
            Class.forName("io.lettuce.core.RedisClient", false, Relayer.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** What the store is, for the outage log (by the settings: naming RedisStore would load Lettuce, which is optional). */
    private static String describe(RelayerConfig config, RelayerStore store) {
        if (store instanceof JournaledStore j) {
            return "journal " + j.file().toAbsolutePath();
        }
        if (config.store().redisUri().isPresent() && !(store instanceof MemoryStore)) {
            return "redis " + RelayerConfig.maskUri(config.store().redisUri().get());
        }
        return store.getClass().getSimpleName();
    }

    /**
     * Binds the port and starts everything; recovers in-flight and completed tasks from the store.
     *
     * @return this
     * @throws IllegalStateException when it cannot bind
     */
    public synchronized Relayer start() {
        if (closed.get()) {
            throw new IllegalStateException("the relayer is closed");
        }
        if (started) {
            return this;
        }
        started = true;
        LOG.info("starting with {}", config.describeRelayer());
        staking.ifPresent(s -> LOG.info("staking policy on: {}", s));
        bind();
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("the relayer could not start: " + e.getMessage(), e);
        }
        long prune = config.store().retention().pruneEvery().toMillis();
        timers.scheduleWithFixedDelay(this::pruneFinished, prune, prune, TimeUnit.MILLISECONDS);
        long reconcile = config.scheduling().heartbeat().toMillis(); // the backstop for anything an outage left unarmed
        timers.scheduleWithFixedDelay(scheduler::reconcile, reconcile, reconcile, TimeUnit.MILLISECONDS);
        long sweep = config.trust().escrowCheck().toMillis();
        sweeper.scheduleWithFixedDelay(new EscrowSweep(store, escrow, clock, events), sweep, sweep, TimeUnit.MILLISECONDS);
        scheduler.recover();
        settler.recover();
        webhooks.start(); // resumes the webhooks a previous run left pending in the store
        LOG.info("relayer {} listening on {}:{} (REST {}, WebSocket {}/ws)", config.server().name(), config.server().host(),
                port(), ApiHandler.BASE, ApiHandler.BASE);
        return this;
    }

    /**
     * CORS for browser dApps (Jetty's {@link CrossOriginHandler}), only for {@code http.cors_allowed_origins}: the
     * methods the API answers, the headers its requests carry (API key, read signature) and those its answers name.
     */
    private Handler crossOrigin(Handler app) {
        List<String> origins = config.server().corsAllowedOrigins();
        if (origins.isEmpty()) {
            return app;
        }
        CrossOriginHandler cors = new CrossOriginHandler();
        cors.setAllowedOriginPatterns(origins.stream().map(o -> o.equals("*") ? ".*" : Pattern.quote(o))
                .collect(Collectors.toSet()));
        cors.setAllowedMethods(Set.of("GET", "HEAD", "POST"));
        cors.setAllowedHeaders(Set.of("Content-Type", "Authorization", "X-Api-Key", SmainerClient.READ_SIGNATURE_HEADER,
                SmainerClient.READ_EXPIRES_HEADER));
        cors.setExposedHeaders(Set.of("Retry-After", "WWW-Authenticate", "Allow"));
        cors.setAllowCredentials(false);
        cors.setHandler(app);
        return cors;
    }

    /**
     * The one {@link TaskEvents} listener of this relayer: metrics, the webhook and the staking policy's active-task
     * counts, for every change the scheduler, the completion handler, the settler and the escrow sweep make.
     */
    private final class RelayerEvents implements TaskEvents {
        @Override
        public void assigned(TaskRecord t) {
            staking.ifPresent(s -> s.assigned(t));
            metrics.taskAssigned(clock.millis() - t.createdAtMillis());
        }

        @Override
        public void requeued(TaskRecord t) {
            staking.ifPresent(s -> s.lost(t));
            metrics.taskRequeued();
        }

        @Override
        public void settled(TaskRecord t) {
            metrics.taskSettled(clock.millis() - t.createdAtMillis());
            staking.ifPresent(s -> s.settled(t));
            webhooks.notify(t);
        }

        @Override
        public void failed(TaskRecord t) {
            // with a checked result the provider did its part (a settlement that cannot succeed); without, it lost it
            staking.ifPresent(s -> {
                if (t.completion().isPresent()) {
                    s.settled(t);
                } else {
                    s.lost(t);
                }
            });
            metrics.taskFailed();
            webhooks.notify(t);
        }
    }

    /** The retention timer: the writes drop finished tasks too, but an idle relayer makes none. */
    private void pruneFinished() {
        try {
            store.pruneFinished();
        } catch (RuntimeException e) { // caught: a periodic task that throws is never run again
            LOG.warn("could not drop the finished tasks past their retention (the next round tries again): {}",
                    e.toString());
        }
    }

    private void bind() {
        connector.setPort(config.server().port());
        try {
            connector.open();
        } catch (IOException e) {
            if (config.server().port() == RelayerConfig.DEFAULT_PORT && isBind(e)) {
                LOG.warn("port {} is taken; trying {}", RelayerConfig.DEFAULT_PORT, RelayerConfig.FALLBACK_PORT);
                connector.setPort(RelayerConfig.FALLBACK_PORT);
                try {
                    connector.open();
                    return;
                } catch (IOException e2) {
                    close();
                    throw new IllegalStateException("ports " + RelayerConfig.DEFAULT_PORT + " and "
                            + RelayerConfig.FALLBACK_PORT + " are both taken", e2);
                }
            }
            close();
            throw new IllegalStateException("cannot bind " + config.server().host() + ":" + config.server().port() + ": " + e.getMessage(), e);
        }
    }

    private static boolean isBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /** @return the port it listens on */
    public int port() {
        return connector.getLocalPort();
    }

    /** @return {@code http://host:port} for clients on this machine */
    public URI uri() {
        String host = config.server().host().equals("0.0.0.0") ? "127.0.0.1" : config.server().host();
        return URI.create("http://" + host + ":" + port());
    }

    /** @return the store */
    public RelayerStore store() {
        return store;
    }

    /** @return the counters */
    public Metrics metrics() {
        return metrics;
    }

    /** @return the settings */
    public RelayerConfig config() {
        return config;
    }

    /** @return the staking policy, when {@code staking.enabled=true} */
    public Optional<StakingPolicy> staking() {
        return staking;
    }

    /** @return settlement counters */
    public Optional<Settler> settler() {
        return Optional.of(settler);
    }

    /**
     * Stops serving, closes provider connections, finishes the settlement in flight: every part in the reverse order
     * of construction (provider connections, long polls, Jetty, scheduler, settler, staking policy, webhooks, the
     * timer threads, the store it opened). Idempotent; also for a relayer never started.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (api != null) {
            api.drain(); // readiness answers 503 from here on
        }
        synchronized (this) {
            closeParts();
        }
        LOG.info("relayer {} stopped", config.server().name());
    }

    /** Closes the parts built, last first; one that fails is logged and the rest still close. */
    private void closeParts() {
        for (Part p; (p = parts.poll()) != null; ) {
            try {
                p.closer().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("stopping the {} failed", p.name(), e);
            }
        }
    }

    /** Counts each time an account is asked about a signature, by what came of it. */
    private AccountSignatureCheck counted(AccountSignatureCheck check) {
        if (check == AccountSignatureCheck.NONE) {
            return check;
        }
        return (account, hash, signature) -> {
            String outcome = "unavailable";
            try {
                Optional<SignatureVerdict> v = check.check(account, hash, signature);
                outcome = v.isEmpty() ? "none" : v.get().accepted() ? "accepted" : "refused";
                return v;
            } catch (SignatureCheckUnavailableException e) {
                outcome = e.kind() == SignatureCheckUnavailableException.Kind.NODE_UNAVAILABLE ? "unavailable" : "unsupported";
                throw e;
            } finally {
                metrics.accountCheck(outcome);
            }
        };
    }

    /** Builds a {@link Relayer}. */
    public static final class Builder {
        private RelayerConfig config;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final StringJoiner demanderKeys = new StringJoiner(",");
        private Escrow escrow;
        private RelayerStore store;
        private Clock clock = Clock.systemUTC();
        private StarkCrypto crypto = StarkCrypto.defaultCrypto();
        private AccountKeys accountKeys;
        private AccountSignatureCheck accountSignatures = AccountSignatureCheck.NONE;
        private ResultCheckers checkers = ResultCheckers.standard();
        private Staking staking;
        private Clock chainClock;

        private Builder() {
        }

        /**
         * @param v the chain's time, which the staking policy's slash windows run on (default: {@link #clock})
         * @return this
         */
        public Builder chainClock(Clock v) {
            this.chainClock = v;
            return this;
        }

        /**
         * @param v the staking contract's client, acting as the relayer's account (the contract's authorized relayer and
         *     verifier); required when {@code staking.enabled=true}, unused otherwise
         * @return this
         */
        public Builder staking(Staking v) {
            this.staking = v;
            return this;
        }

        /**
         * All the settings at once, as the app reads them ({@link RelayerConfig#load}); not together with the
         * typed setters below (default: {@link RelayerConfig#defaults()} with what those set).
         *
         * @param v settings
         * @return this
         */
        public Builder config(RelayerConfig v) {
            this.config = v;
            return this;
        }

        /** @param v the interface to listen on (default {@code 0.0.0.0}; {@code 127.0.0.1} for this machine only) @return this */
        public Builder host(String v) {
            return setting("host", v);
        }

        /** @param v the port (default 8000, falling back to 8001; 0 picks a free one, see {@link Relayer#port()}) @return this */
        public Builder port(int v) {
            return setting("port", Integer.toString(v));
        }

        /** @param v the relayer's name in logs, webhooks and the dashboard @return this */
        public Builder name(String v) {
            return setting("name", v);
        }

        /**
         * Lets a demander account submit tasks: its requests must carry this key's SNIP-12 signature. Call once per
         * account (with the default {@link #accountKeys} and no {@link #accountSignatures} check, only these can).
         *
         * @param account the demander's account
         * @param publicKey the Stark public key its task requests are signed with
         * @return this
         */
        public Builder demanderKey(ContractAddress account, Felt publicKey) {
            demanderKeys.add(Require.present("account", account).hex() + ":" + Require.present("public_key", publicKey).hex());
            return this;
        }

        /** @param v the least base price an escrow must cover, any kind (default 0.1 STRK) @return this */
        public Builder minBasePrice(TokenAmount v) {
            return setting("price.min_base", v.baseUnits().toString());
        }

        /**
         * @param kind a job kind
         * @param v the least base price an escrow for that kind must cover
         * @return this
         */
        public Builder minBasePrice(String kind, TokenAmount v) {
            return setting("price.min_base." + kind, v.baseUnits().toString());
        }

        /**
         * @param maxDelay the longest a completed task waits for its settlement batch (default 2 s; tests want
         *     tens of milliseconds)
         * @param batchSize the most tasks one settlement transaction carries (default 50)
         * @return this
         */
        public Builder settlement(Duration maxDelay, int batchSize) {
            setting("settlement.max_delay_millis", Long.toString(maxDelay.toMillis()));
            return setting("settlement.batch_size", Integer.toString(batchSize));
        }

        /**
         * @param perSecond requests a second per API key or demander, sustained
         * @param burst requests at once
         * @param perIpPerSecond requests a second per client address (0: off; the burst is twice it)
         * @return this
         */
        public Builder rateLimits(int perSecond, int burst, int perIpPerSecond) {
            setting("limits.rate_per_second", Integer.toString(perSecond));
            setting("limits.rate_burst", Integer.toString(burst));
            setting("limits.ip_rate_per_second", Integer.toString(perIpPerSecond));
            if (perIpPerSecond > 0) {
                setting("limits.ip_rate_burst", Integer.toString(2 * perIpPerSecond));
            }
            return this;
        }

        /**
         * Any other setting by its documented name (docs/operations.md), checked like the app's.
         *
         * @param key the setting, e.g. {@code max_attempts}
         * @param value its value
         * @return this
         */
        public Builder setting(String key, String value) {
            settings.put(Require.present("key", key), Require.present(key, value));
            return this;
        }

        private RelayerConfig config() {
            boolean typed = !settings.isEmpty() || demanderKeys.length() > 0;
            if (config != null) {
                if (typed) {
                    throw new IllegalStateException("config: set either a whole RelayerConfig or single settings, not both "
                            + "(single settings: " + settings.keySet() + (demanderKeys.length() > 0 ? ", demander keys" : "") + ")");
                }
                return config;
            }
            if (!typed) {
                return RelayerConfig.defaults();
            }
            Map<String, String> all = new LinkedHashMap<>(settings);
            if (demanderKeys.length() > 0) {
                all.merge("demander_keys", demanderKeys.toString(), (a, b) -> a + "," + b);
            }
            return RelayerConfig.load(all);
        }

        /** @param v the escrow, acting as the relayer's account (it settles) @return this */
        public Builder escrow(Escrow v) {
            this.escrow = v;
            return this;
        }

        /**
         * @param v the store (default: a new {@link RedisStore} when {@code redis.uri} is set, else a new
         *     {@link MemoryStore}; either is closed with the relayer)
         * @return this
         */
        public Builder store(RelayerStore v) {
            this.store = v;
            return this;
        }

        /** @param v time @return this */
        public Builder clock(Clock v) {
            this.clock = v;
            return this;
        }

        /** @param v signature checks @return this */
        public Builder crypto(StarkCrypto v) {
            this.crypto = v;
            return this;
        }

        /** @param v demander keys (default: the configured {@code demander_keys}) @return this */
        public Builder accountKeys(AccountKeys v) {
            this.accountKeys = v;
            return this;
        }

        /**
         * @param v asks a demander's account about its signature when {@link #accountKeys} resolves no key for it
         *     (default: {@link AccountSignatureCheck#NONE}, such a demander cannot submit); e.g.
         *     {@link AccountSignatureCheck#snip6} on Starknet
         * @return this
         */
        public Builder accountSignatures(AccountSignatureCheck v) {
            this.accountSignatures = v;
            return this;
        }

        /** @param v result checkers by job kind (default: {@link ResultCheckers#standard()}) @return this */
        public Builder resultCheckers(ResultCheckers v) {
            this.checkers = v;
            return this;
        }

        /** @return the relayer, not started */
        public Relayer build() {
            return new Relayer(this);
        }
    }
}
