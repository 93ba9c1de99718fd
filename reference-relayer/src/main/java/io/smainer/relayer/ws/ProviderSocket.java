package io.smainer.relayer.ws;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.Snip12;
import io.smainer.escrow.NodeStatus;
import io.smainer.protocol.Message;
import io.smainer.protocol.Messages;
import io.smainer.protocol.NodeCapabilities;
import io.smainer.protocol.ProtocolException;
import io.smainer.relayer.LogText;
import io.smainer.relayer.scheduling.NodeChannel;
import io.smainer.relayer.settlement.CompletionHandler;
import io.smainer.relayer.settlement.ReceiptRejectedException;
import io.smainer.relayer.settlement.TaskNotAssignedException;
import io.smainer.relayer.store.GuardedStore;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provider connection. The relayer speaks first with a {@code challenge}; the provider logs in with
 * {@code node_register}, signed (SNIP-12) with the key it registered on-chain, and its node must be
 * active on-chain. Until then only {@code node_register} and {@code ping} are accepted, each message is at most
 * {@code limits.ws_frame_bytes_before_login} (a larger one closes the connection, 1009), and the connection is
 * closed when its challenge expires. A login is checked cheapest first: the client address's login rate, the
 * challenge, its expiry, then the provider's key on chain and the signature, and only then the node's status on
 * chain. A malformed message is answered with {@code error} and closes this connection only.
 */
public final class ProviderSocket extends Session.Listener.AbstractAutoDemanding implements NodeChannel {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderSocket.class);

    private final ProviderGateway g;
    private final String remote;
    private final Object sendLock = new Object();
    private volatile Messages.Challenge challenge;
    private volatile Login login;
    private volatile ScheduledFuture<?> loginDeadline;

    private record Login(String nodeId, ContractAddress address, Felt publicKey, NodeCapabilities capabilities,
            long clockSkewMillis) {
    }

    ProviderSocket(ProviderGateway gateway, String remote) {
        this.g = gateway;
        this.remote = remote;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        super.onWebSocketOpen(session);
        session.setMaxTextMessageSize(g.frameBytesBeforeLogin);
        g.open.add(this);
        Felt nonce = new Felt(new BigInteger(248, g.random));
        long expires = g.clock.instant().plus(g.challengeTtl).getEpochSecond();
        loginDeadline = g.timers.schedule(() -> {
            if (login == null) {
                g.metrics.wsLoginTimeout();
                close("no login before the challenge expired");
            }
        }, g.challengeTtl.toMillis() + 1000, TimeUnit.MILLISECONDS);
        challenge = new Messages.Challenge(Messages.newId(), nonce, expires, g.chainId.name(), g.relayerName);
        send(challenge);
    }

    @Override
    public void onWebSocketText(String text) {
        Message m;
        try {
            m = g.codec.decode(text);
        } catch (ProtocolException e) {
            g.metrics.wsMalformed();
            refuse("", "invalid_message", e.getMessage(), Optional.of(e.field()), true);
            return;
        }
        g.metrics.wsMessage(m.type());
        Login who = login;
        if (who != null) {
            g.scheduler.nodeSeen(who.nodeId());
        }
        try {
            if (m instanceof Messages.Ping p) {
                send(new Messages.Pong(Messages.newId(), p.id()));
            } else if (m instanceof Messages.NodeRegister r) {
                login(r);
            } else if (who == null) {
                refuse(m.id(), "not_logged_in", "expected node_register first, got " + m.type(), Optional.of("type"), true);
            } else if (m instanceof Messages.NodeHeartbeat || m instanceof Messages.Pong || m instanceof Messages.Ack) {
                // liveness already noted
            } else if (m instanceof Messages.TaskAccepted a) {
                g.scheduler.accepted(who.nodeId(), a.taskId());
            } else if (m instanceof Messages.TaskCompleted c) {
                completed(who, c);
            } else if (m instanceof Messages.TaskFailed f) {
                g.scheduler.failed(who.nodeId(), f.taskId(), f.reason(), f.retryable());
                send(new Messages.Ack(Messages.newId(), f.id(), "", 0));
            } else if (m instanceof Messages.ErrorMessage e) {
                LOG.info("node {} reported an error about {}: {} {}", who.nodeId(), LogText.of(e.refId()), LogText.of(e.code()),
                        LogText.of(e.message()));
            } else {
                refuse(m.id(), "unexpected_message", "a provider does not send " + m.type(), Optional.of("type"), false);
            }
        } catch (RuntimeException e) {
            if (GuardedStore.isOutage(e)) { // the store's outage is logged once by GuardedStore, not per message
                LOG.debug("node {} message {} failed: {}", who == null ? remote : who.nodeId(), m.type(), e.getMessage());
            } else {
                LOG.warn("node {} message {} failed", who == null ? remote : who.nodeId(), m.type(), e);
            }
            refuse(m.id(), Messages.ErrorMessage.RETRY_LATER, "the relayer could not handle " + m.type()
                    + "; send it again later", Optional.empty(), false);
        }
    }

    private void login(Messages.NodeRegister r) {
        long received = g.clock.millis(); // before the chain is asked: its delay is not the provider's clock
        if (login != null) {
            refuse(r.id(), "already_logged_in", "this connection is logged in as " + login.nodeId(), Optional.empty(), false);
            return;
        }
        Optional<Duration> wait = g.logins.acquire(remote);
        if (wait.isPresent()) {
            g.metrics.wsLoginRefused("rate_limited");
            refuse(r.id(), "rate_limited", "more logins from " + remote + " than limits.ws_logins_per_second allows;"
                    + " connect again in " + Math.max(1, wait.get().toSeconds()) + " s", Optional.empty(), true);
            return;
        }
        Messages.Challenge c = challenge;
        challenge = null; // one attempt per challenge
        if (c == null || !c.nonce().equals(r.nonce()) || c.expiresAt() != r.expiresAt()) {
            refuse(r.id(), "invalid_challenge", "nonce: expected the nonce and expiry of this connection's challenge",
                    Optional.of("nonce"), true);
            return;
        }
        if (g.clock.instant().getEpochSecond() > r.expiresAt()) {
            refuse(r.id(), "challenge_expired", "expires_at: the challenge expired at " + r.expiresAt(),
                    Optional.of("expires_at"), true);
            return;
        }
        Optional<Felt> key = g.escrow.providerPublicKey(r.address());
        if (key.isEmpty()) {
            refuse(r.id(), "public_key_not_set", "address: no public key is registered on-chain for " + r.address().hex(),
                    Optional.of("address"), true);
            return;
        }
        Felt hash = Snip12.loginHash(Snip12.Domain.smainer(g.chainId), r.address(), r.nonce(), r.expiresAt());
        if (!g.crypto.verify(key.get(), hash, r.signature())) {
            refuse(r.id(), "invalid_signature", "signature: expected the login signed with the key registered on-chain;"
                    + " the key registered on-chain for " + r.address().hex() + " is " + key.get().hex() + ": sign with it,"
                    + " or publish this node's key with 'provider register'",
                    Optional.of("signature"), true);
            return;
        }
        if (r.capabilities().seal().isPresent() && !r.capabilities().seal().get().verifies(g.crypto,
                Snip12.Domain.smainer(g.chainId), r.address(), key.get())) {
            refuse(r.id(), "invalid_seal_key", "capabilities.seal: expected the sealing key signed (SNIP-12"
                    + " SmainerSealKey) with the key registered on-chain for " + r.address().hex() + "; it does not verify",
                    Optional.of("capabilities.seal"), true);
            return;
        }
        NodeStatus status = g.escrow.nodeStatus(r.address());
        if (status != NodeStatus.ACTIVE) {
            refuse(r.id(), "node_not_active", "address: expected a node ACTIVE on-chain, got " + status,
                    Optional.of("address"), true);
            return;
        }
        Optional<Long> skew = clockSkew(r, received);
        if (skew.isEmpty()) {
            return;
        }
        Optional<String> understaked = g.stakeGate.refusal(r.address());
        if (understaked.isPresent()) {
            refuse(r.id(), "stake_below_minimum", understaked.get(), Optional.of("stake"), true);
            return;
        }
        Login l = new Login(r.address().hex(), r.address(), key.get(), r.capabilities(), skew.get());
        login = l;
        cancelLoginDeadline();
        Session s = getSession();
        if (s != null) {
            s.setMaxTextMessageSize(g.maxFrameBytes);
        }
        send(new Messages.Ack(Messages.newId(), r.id(), l.nodeId(), g.heartbeatSeconds));
        LOG.info("node {} logged in from {}: {} kinds {}, tier {}, {} at once", l.nodeId(), LogText.of(remote),
                LogText.of(r.capabilities().name()), LogText.of(r.capabilities().jobKinds().toString()),
                r.capabilities().tier().wireName(),
                r.capabilities().maxConcurrent());
        g.scheduler.nodeOnline(this);
    }

    private void completed(Login who, Messages.TaskCompleted c) {
        try {
            CompletionHandler.Outcome out = g.completions.complete(who.nodeId(), who.address(), who.publicKey(), c);
            g.metrics.completion(out.name().toLowerCase(Locale.ROOT));
            send(new Messages.Ack(Messages.newId(), c.id(), "", 0));
        } catch (ReceiptRejectedException e) {
            g.metrics.completion("rejected");
            refuse(c.id(), "receipt_rejected", e.getMessage(), Optional.of(e.field()), false);
        } catch (TaskNotAssignedException e) {
            refuse(c.id(), "task_not_assigned", e.getMessage(), Optional.of("task_id"), false);
        }
    }

    /**
     * The clock check, a step of its own after the signature: the provider's clock against this relayer's (assignments
     * carry deadlines by the relayer's clock). Past {@link ProviderGateway#MAX_CLOCK_SKEW} the login is refused
     * ({@code clock_skew}: every task would look late, or run past its deadline); past
     * {@link ProviderGateway#WARN_CLOCK_SKEW} it is logged. A login that does not say its time passes as 0. Measured
     * against the time the login arrived (a message's transit makes a clock look a little behind).
     *
     * @return the skew (the provider ahead: positive), or empty when refused
     */
    private Optional<Long> clockSkew(Messages.NodeRegister r, long received) {
        if (r.clockMillis().isEmpty()) {
            return Optional.of(0L);
        }
        long skew = r.clockMillis().get() - received;
        String how = Math.abs(skew) + " ms " + (skew > 0 ? "ahead of" : "behind") + " this relayer's";
        if (Math.abs(skew) > ProviderGateway.MAX_CLOCK_SKEW.toMillis()) {
            LOG.warn("node {} refused at login: its clock is {} (more than {} s); it must sync its clock (NTP)",
                    r.address().hex(), how, ProviderGateway.MAX_CLOCK_SKEW.toSeconds());
            refuse(r.id(), "clock_skew", "clock_millis: your clock is " + how + ", more than the "
                    + ProviderGateway.MAX_CLOCK_SKEW.toSeconds() + " s allowed: task deadlines are set by the relayer's"
                    + " clock, so tasks would look late or run past their deadline; sync the clock (NTP) and log in again",
                    Optional.of("clock_millis"), true);
            return Optional.empty();
        }
        if (Math.abs(skew) > ProviderGateway.WARN_CLOCK_SKEW.toMillis()) {
            LOG.warn("node {}: its clock is {} (more than {} s); deadlines will look that much {} to it",
                    r.address().hex(), how, ProviderGateway.WARN_CLOCK_SKEW.toSeconds(), skew > 0 ? "nearer" : "further");
        }
        return Optional.of(skew);
    }

    private void refuse(String refId, String code, String message, Optional<String> field, boolean close) {
        send(new Messages.ErrorMessage(Messages.newId(), refId, code, message.length() > 4000 ? message.substring(0, 4000)
                : message, field));
        if (close) {
            close(code);
        }
    }

    private void cancelLoginDeadline() {
        ScheduledFuture<?> f = loginDeadline;
        if (f != null) {
            f.cancel(false);
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        cancelLoginDeadline();
        g.open.remove(this);
        Login l = login;
        if (l != null) {
            g.scheduler.nodeClosed(this, "connection closed (" + statusCode + (reason == null ? "" : " " + reason) + ")");
        }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("connection {} error: {}", remote, cause.toString());
    }

    /**
     * @param provider an account
     * @return whether this connection is logged in as it
     */
    boolean loggedInAs(ContractAddress provider) {
        Login l = login;
        return l != null && l.address().equals(provider);
    }

    // ---- NodeChannel ----

    @Override
    public String nodeId() {
        return login.nodeId();
    }

    @Override
    public ContractAddress address() {
        return login.address();
    }

    @Override
    public NodeCapabilities capabilities() {
        return login.capabilities();
    }

    @Override
    public long clockSkewMillis() {
        return login.clockSkewMillis();
    }

    @Override
    public void send(Message message) {
        Session s = getSession();
        if (s == null || !s.isOpen()) {
            return;
        }
        String json = g.codec.encode(message);
        synchronized (sendLock) {
            s.sendText(json, Callback.from(() -> { }, err -> {
                LOG.debug("send to {} failed: {}", remote, err.toString());
                s.close(StatusCode.SERVER_ERROR, "send failed", Callback.NOOP);
            }));
        }
    }

    @Override
    public void close(String reason) {
        Session s = getSession();
        if (s != null && s.isOpen()) {
            byte[] b = reason.getBytes(StandardCharsets.UTF_8);
            String r = b.length <= 120 ? reason : new String(b, 0, 120, StandardCharsets.UTF_8);
            s.close(StatusCode.POLICY_VIOLATION, r, Callback.NOOP);
        }
    }
}
