package io.smainer.provider.app;

import io.smainer.crypto.Keystore;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Escrow;
import io.smainer.fee.Tier;
import io.smainer.job.JobRunner;
import io.smainer.protocol.NodeCapabilities.GpuInfo;
import io.smainer.provider.ProviderEvent;
import io.smainer.provider.ProviderNode;
import io.smainer.provider.ProviderStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running provider: the SDK's {@link ProviderNode} on the chosen job runners, plus the local status
 * endpoint. Logs what the node does. {@link #close()} (from the shutdown hook on SIGTERM) closes the node
 * first (running tasks finish within the close grace or are handed back), then the runners, then the
 * status endpoint. Idempotent.
 */
public final class ProviderDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderDaemon.class);

    private final ProviderNode node;
    private final List<JobRunner> runners;
    private final StatusServer status;
    private final Duration closeGrace;
    private final Optional<Escrow> escrow;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);

    private ProviderDaemon(ProviderNode node, List<JobRunner> runners, StatusServer status, Duration closeGrace,
            Optional<Escrow> escrow) {
        this.node = node;
        this.escrow = escrow;
        this.runners = runners;
        this.status = status;
        this.closeGrace = closeGrace;
    }

    /**
     * Starts the node and the status endpoint. On failure, closes what it started.
     *
     * @param config the settings
     * @param account the unlocked keystore
     * @param runners the job runners, in order of preference; the daemon closes them
     * @param runnerName how the runners are described in logs and {@code /status}
     * @param gpus the GPUs advertised
     * @param tier the tier advertised
     * @param concurrency tasks run at once
     * @param crypto signs logins and receipts
     * @param clock deadlines
     * @param escrow a live client of the escrow contract (Starknet JSON-RPC): the node checks each task's escrow
     *     before running it and refuses a relayer's tier multiplier that differs from the escrow's; the daemon
     *     closes it. Empty: the node trusts the relayer's assignment.
     * @return the running daemon
     * @throws Exception when the status port cannot be bound
     */
    public static ProviderDaemon start(ProviderConfig config, Keystore.Unlocked account, List<JobRunner> runners,
            String runnerName, List<GpuInfo> gpus, Tier tier, int concurrency, StarkCrypto crypto, Clock clock,
            Optional<Escrow> escrow) throws Exception {
        ProviderNode.Builder b = ProviderNode.builder()
                .relayer(config.node().relayerUrl())
                .account(account.address(), account.keys())
                .concurrency(concurrency)
                .name(config.node().name())
                .tier(tier)
                .gpus(gpus)
                .crypto(crypto)
                .clock(clock)
                .closeGrace(config.node().closeGrace())
                .minEffortBasePrice(config.node().minEffortBasePrice())
                .reconnectDelay(ProviderNode.DEFAULT_RECONNECT_MIN_DELAY,
                        max(ProviderNode.DEFAULT_RECONNECT_MIN_DELAY, config.node().reconnectMaxDelay()))
                .listener(ProviderDaemon::log);
        runners.forEach(b::runner);
        escrow.ifPresent(b::escrow);
        ProviderNode node = b.build();
        StatusServer server;
        try {
            List<String> gpuNames = new ArrayList<>();
            gpus.forEach(g -> gpuNames.add(g.name()));
            server = StatusServer.start(config.status().host(), config.status().port(), node::status,
                    new StatusServer.Info(config.node().name(), config.node().relayerUrl().toString(), account.address().hex(), runnerName,
                            node.capabilities().jobKinds(), tier.wireName(), gpuNames));
        } catch (Exception e) {
            node.close(Duration.ZERO);
            runners.forEach(JobRunner::close);
            escrow.ifPresent(Escrow::close);
            throw new IOException("cannot open the status endpoint on " + config.status().host() + ":"
                    + config.status().port() + " (" + e.getMessage() + "); set status.port (SMAINER_STATUS_PORT) to a free port"
                    + " or 0", e);
        }
        LOG.info("status endpoint on http://{}:{} (/health, /status, /metrics)", config.status().host(), server.port());
        LOG.info("provider {} ({}) serving {} on {} runner, tier {}, {} task(s) at once", config.node().name(),
                account.address().hex(), node.capabilities().jobKinds(), runnerName, tier.wireName(), concurrency);
        if (escrow.isPresent()) {
            LOG.info("escrows are checked on-chain before each task runs (open, and the relayer's tier multiplier)");
        } else {
            LOG.info("no rpc_url: escrows are not checked on-chain; effort receipts are priced as the relayer's"
                    + " assignment says");
        }
        node.start();
        return new ProviderDaemon(node, List.copyOf(runners), server, config.node().closeGrace(), escrow);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** @return the node's status */
    public ProviderStatus status() {
        return node.status();
    }

    /** @return the status endpoint's port */
    public int statusPort() {
        return status.port();
    }

    /** @return the node */
    public ProviderNode node() {
        return node;
    }

    /**
     * Waits until {@link #close()} has finished.
     *
     * @param timeout the longest wait
     * @return true when closed
     * @throws InterruptedException when interrupted
     */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            LOG.info("shutting down: running tasks get up to {} s to finish, then are handed back", closeGrace.toSeconds());
            node.close();
            for (JobRunner r : runners) {
                try {
                    r.close();
                } catch (RuntimeException e) {
                    LOG.warn("closing runner {} failed: {}", r.name(), e.toString());
                }
            }
            status.close();
            escrow.ifPresent(e -> {
                try {
                    e.close();
                } catch (RuntimeException ex) {
                    LOG.warn("closing the escrow client failed: {}", ex.toString());
                }
            });
            ProviderStatus s = node.status();
            LOG.info("stopped: {} completed, {} failed, {} refused, {} reports undelivered", s.completed(), s.failed(),
                    s.refused(), s.pendingReports());
        } finally {
            done.countDown();
        }
    }

    /** Says what the node is doing. */
    static void log(ProviderEvent event) {
        if (event instanceof ProviderEvent.Connecting c) {
            if (c.attempt() == 0) {
                LOG.info("connecting to relayer {}", c.uri());
            } else {
                LOG.info("connecting to relayer {} (try {})", c.uri(), c.attempt() + 1);
            }
        } else if (event instanceof ProviderEvent.LoggedIn l) {
            LOG.info("logged in as node {}; heartbeat every {} s{}", l.nodeId(), l.heartbeatSeconds(),
                    l.resentReceipts() > 0 ? "; sent " + l.resentReceipts() + " unacknowledged report(s) again" : "");
        } else if (event instanceof ProviderEvent.LoginRefused r) {
            LOG.warn("the relayer refused the login: {} ({}). Is the node registered and its key published? "
                    + "Run 'provider register'.", r.message(), r.code());
        } else if (event instanceof ProviderEvent.Disconnected d) {
            if (d.retryIn().isZero()) {
                LOG.info("disconnected: {}", d.reason());
            } else {
                LOG.warn("disconnected: {}; trying again in {} ms", d.reason(), d.retryIn().toMillis());
            }
        } else if (event instanceof ProviderEvent.TaskStarted t) {
            LOG.info("task {} started: {} on {}", t.taskId(), t.kind(), t.runner());
        } else if (event instanceof ProviderEvent.TaskRefused t) {
            LOG.info("task {} refused: {}", t.taskId(), t.reason());
        } else if (event instanceof ProviderEvent.TaskCompleted t) {
            LOG.info("task {} completed in {} ms; receipt signed over result {}{}", t.taskId(), t.ran().toMillis(),
                    t.resultHash().hex(), t.actualCost().map(c -> ", effort cost " + c.toStrkString()).orElse(""));
        } else if (event instanceof ProviderEvent.TaskFailed t) {
            LOG.warn("task {} failed ({}): {}", t.taskId(), t.retryable() ? "retryable" : "final", t.reason());
        } else if (event instanceof ProviderEvent.TaskRevoked t) {
            LOG.info("task {} revoked by the relayer: {}", t.taskId(), t.reason());
        } else if (event instanceof ProviderEvent.ReportAcknowledged a) {
            LOG.debug("relayer acknowledged the report for task {}", a.taskId());
        } else if (event instanceof ProviderEvent.ReportRejected r) {
            LOG.warn("relayer rejected the report for task {}: {} ({})", r.taskId(), r.message(), r.code());
        } else if (event instanceof ProviderEvent.ReportDeferred d) {
            LOG.warn("relayer could not record the report for task {} ({}: {}); sending it again in {} ms", d.taskId(),
                    d.code(), d.message(), d.retryIn().toMillis());
        } else if (event instanceof ProviderEvent.Closed c) {
            LOG.info("node closed; {} task(s) handed back, {} report(s) undelivered", c.handedBack(), c.undelivered());
        }
    }
}
