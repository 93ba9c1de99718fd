package io.smainer.relayer.ws;

import io.smainer.Require;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Escrow;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.relayer.Metrics;
import io.smainer.relayer.TrustLimits;
import io.smainer.relayer.http.RateLimiter;
import io.smainer.relayer.scheduling.Scheduler;
import io.smainer.relayer.settlement.CompletionHandler;
import io.smainer.relayer.staking.StakeGate;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The provider side of the relayer: creates one {@link ProviderSocket} per WebSocket connection and
 * holds what they share (the login checks, the scheduler, completion handling). Logins are rate-limited per client
 * address ({@code limits.ws_logins_per_second}); before it logs in a connection may send small messages only
 * ({@code limits.ws_frame_bytes_before_login}), and one that has not logged in when its challenge expires is
 * closed. Thread-safe.
 */
public final class ProviderGateway {
    /** A provider whose clock is further than this from the relayer's is refused at login ({@code clock_skew}). */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(30);
    /** A provider whose clock is further than this from the relayer's is logged at login. */
    public static final Duration WARN_CLOCK_SKEW = Duration.ofSeconds(5);

    final Escrow escrow;
    final StarkCrypto crypto;
    final Scheduler scheduler;
    final CompletionHandler completions;
    final ProtocolCodec codec;
    final Clock clock;
    final ChainId chainId;
    final String relayerName;
    final int heartbeatSeconds;
    final Duration challengeTtl;
    final Metrics metrics;
    final StakeGate stakeGate;
    final SecureRandom random = new SecureRandom();
    final Set<ProviderSocket> open = ConcurrentHashMap.newKeySet();
    final RateLimiter logins;
    final int maxFrameBytes;
    final int frameBytesBeforeLogin;
    final ScheduledExecutorService timers;

    /**
     * @param escrow registry reads (node status, on-chain provider keys)
     * @param crypto signature checks
     * @param scheduler where logged-in nodes go
     * @param completions records completions
     * @param maxFrameChars the largest message accepted
     * @param clock time
     * @param chainId the chain (in the login domain)
     * @param relayerName this relayer's name (in the challenge)
     * @param heartbeat the heartbeat interval announced at login
     * @param challengeTtl how long a challenge is valid
     * @param metrics counters
     * @param stakeGate refuses the login of a provider without enough stake (the staking policy; {@link StakeGate#NONE}
     *     when off)
     * @param trust the login rate per client address and the largest message before login
     * @param timers closes connections that have not logged in by their challenge's expiry
     */
    public ProviderGateway(Escrow escrow, StarkCrypto crypto, Scheduler scheduler, CompletionHandler completions,
            int maxFrameChars, Clock clock, ChainId chainId, String relayerName, Duration heartbeat, Duration challengeTtl,
            Metrics metrics, StakeGate stakeGate, TrustLimits trust, ScheduledExecutorService timers) {
        this.stakeGate = Require.present("stake_gate", stakeGate);
        this.escrow = Require.present("escrow", escrow);
        this.crypto = Require.present("crypto", crypto);
        this.scheduler = Require.present("scheduler", scheduler);
        this.completions = Require.present("completions", completions);
        this.codec = ProtocolCodec.withMaxSize(maxFrameChars);
        this.clock = Require.present("clock", clock);
        this.chainId = Require.present("chain_id", chainId);
        this.relayerName = Require.text("relayer", relayerName, 31);
        this.heartbeatSeconds = (int) heartbeat.toSeconds();
        this.challengeTtl = challengeTtl;
        this.metrics = metrics;
        this.logins = new RateLimiter(trust.wsLoginsPerSecond(), trust.wsLoginBurst(), clock);
        this.maxFrameBytes = maxFrameChars;
        this.frameBytesBeforeLogin = Math.min(maxFrameChars, trust.wsFrameBytesBeforeLogin());
        this.timers = Require.present("timers", timers);
        metrics.bindGateway(() -> open.size(), scheduler::onlineCount);
    }

    /**
     * @param remote the peer's address, for logs
     * @return the endpoint for a new connection
     */
    public ProviderSocket newSocket(String remote) {
        return new ProviderSocket(this, remote);
    }

    /**
     * Closes a provider's connections, e.g. when a slash left it below the minimum stake (it is refused at its next
     * login, with the reason).
     *
     * @param provider the provider's account
     * @param reason why, for the peer and the log
     */
    public void disconnect(ContractAddress provider, String reason) {
        for (ProviderSocket s : open) {
            if (s.loggedInAs(provider)) {
                s.close(reason);
            }
        }
    }

    /** Closes every open connection (at shutdown). */
    public void closeAll() {
        for (ProviderSocket s : open) {
            s.close("relayer shutting down");
        }
    }
}
