package io.smainer.relayer;

import io.smainer.Require;
import java.time.Duration;
import java.util.Set;

/**
 * The settings of the relayer's trust boundary (docs/trust-model.md has the threat table they tune): who may
 * read what, where webhooks may go, and how much an unauthenticated client may hold of the server.
 *
 * @param operatorClients {@code operator_clients}: the API clients (ids in {@code api_keys}) whose keys list tasks
 *     and read any task; another API client reads the tasks it submitted, a demander its own with a signed read
 * @param webhookPrivateAllowed {@code webhook.allow_private_addresses}: true lets webhooks reach loopback, private,
 *     link-local and unspecified addresses (a development setting)
 * @param bodyBytesInFlight {@code limits.body_bytes_in_flight}: request body bytes being received at once, all
 *     clients together; past it a body is answered 503 with {@code Retry-After} before it is read
 * @param bodyBytesInFlightPerAddress {@code limits.body_bytes_in_flight_per_address}: the same for one client address
 * @param bodyReadTimeout {@code limits.body_read_timeout_millis}: the longest a request body may take to arrive
 * @param maxUnmatchedPerDemander {@code limits.max_unmatched_per_demander}: pending tasks of one demander that no
 *     online provider can run (kind, tier or memory), past which another is refused with 503 {@code no_provider}
 * @param maxUnmatchedTasks {@code limits.max_unmatched_tasks}: the same, all demanders together
 * @param escrowCheck {@code scheduler.escrow_check_millis}: how often pending tasks' escrows are read on chain; a
 *     pending task whose escrow is no longer CREATED (cancelled) is dropped
 * @param wsLoginsPerSecond {@code limits.ws_logins_per_second}: provider logins per second per client address
 * @param wsLoginBurst {@code limits.ws_login_burst}: the burst above that rate
 * @param wsFrameBytesBeforeLogin {@code limits.ws_frame_bytes_before_login}: the largest WebSocket message a
 *     connection may send before it has logged in
 * @param maxPendingTasks {@code limits.max_pending_tasks}: the most PENDING tasks (waiting for a node), all relayers
 *     on the store together; past it {@code POST /tasks} is refused with 503 {@code relayer_busy} and
 *     {@code Retry-After}, so that under overload the queue, and the wait in it, stays bounded (about this many tasks
 *     divided by the rate the providers take them) instead of growing with the excess
 */
public record TrustLimits(Set<String> operatorClients, boolean webhookPrivateAllowed, long bodyBytesInFlight,
        long bodyBytesInFlightPerAddress, Duration bodyReadTimeout, int maxUnmatchedPerDemander, int maxUnmatchedTasks,
        Duration escrowCheck, int wsLoginsPerSecond, int wsLoginBurst, int wsFrameBytesBeforeLogin, int maxPendingTasks) {
    /** Default {@code limits.body_bytes_in_flight}: 64 MiB. */
    public static final long DEFAULT_BODY_BYTES_IN_FLIGHT = 64L << 20;
    /** Default {@code limits.body_bytes_in_flight_per_address}: 16 MiB, two bodies of the default size limit. */
    public static final long DEFAULT_BODY_BYTES_IN_FLIGHT_PER_ADDRESS = 16L << 20;
    /** Default {@code limits.body_read_timeout_millis}. */
    public static final Duration DEFAULT_BODY_READ_TIMEOUT = Duration.ofSeconds(30);
    /** Default {@code limits.max_unmatched_per_demander}. */
    public static final int DEFAULT_MAX_UNMATCHED_PER_DEMANDER = 10;
    /** Default {@code limits.max_unmatched_tasks}. */
    public static final int DEFAULT_MAX_UNMATCHED_TASKS = 1_000;
    /** Default {@code scheduler.escrow_check_millis}. */
    public static final Duration DEFAULT_ESCROW_CHECK = Duration.ofSeconds(30);
    /** Default {@code limits.ws_logins_per_second}. */
    public static final int DEFAULT_WS_LOGINS_PER_SECOND = 5;
    /** Default {@code limits.ws_login_burst}. */
    public static final int DEFAULT_WS_LOGIN_BURST = 20;
    /** Default {@code limits.ws_frame_bytes_before_login}: a login with a long capability list fits. */
    public static final int DEFAULT_WS_FRAME_BYTES_BEFORE_LOGIN = 64 << 10;

    /** Default {@code limits.max_pending_tasks}. */
    public static final int DEFAULT_MAX_PENDING_TASKS = 10_000;

    /** Validates every field. */
    public TrustLimits {
        operatorClients = Set.copyOf(operatorClients);
        Require.range("limits.body_bytes_in_flight", bodyBytesInFlight, 1024, Long.MAX_VALUE);
        Require.range("limits.body_bytes_in_flight_per_address", bodyBytesInFlightPerAddress, 1024, bodyBytesInFlight);
        Require.present("limits.body_read_timeout_millis", bodyReadTimeout);
        Require.range("limits.max_unmatched_per_demander", maxUnmatchedPerDemander, 0, Integer.MAX_VALUE);
        Require.range("limits.max_unmatched_tasks", maxUnmatchedTasks, 0, Integer.MAX_VALUE);
        Require.present("scheduler.escrow_check_millis", escrowCheck);
        Require.range("limits.ws_logins_per_second", wsLoginsPerSecond, 1, Integer.MAX_VALUE);
        Require.range("limits.ws_login_burst", wsLoginBurst, 1, Integer.MAX_VALUE);
        Require.range("limits.ws_frame_bytes_before_login", wsFrameBytesBeforeLogin, 1024, Integer.MAX_VALUE);
        Require.range("limits.max_pending_tasks", maxPendingTasks, 1, Integer.MAX_VALUE);
    }

    @Override
    public String toString() {
        return "operator_clients=" + operatorClients + ", webhook.allow_private_addresses=" + webhookPrivateAllowed
                + ", limits.body_bytes_in_flight=" + bodyBytesInFlight + " (per address " + bodyBytesInFlightPerAddress
                + "), limits.body_read_timeout=" + bodyReadTimeout.toMillis() + "ms, limits.max_unmatched="
                + maxUnmatchedTasks + " (per demander " + maxUnmatchedPerDemander + "), scheduler.escrow_check="
                + escrowCheck.toMillis() + "ms, limits.ws_logins=" + wsLoginsPerSecond + "/s burst " + wsLoginBurst
                + ", limits.ws_frame_bytes_before_login=" + wsFrameBytesBeforeLogin + ", limits.max_pending_tasks="
                + maxPendingTasks;
    }

    /** @return the defaults, with no operator client */
    public static TrustLimits defaults() {
        return new TrustLimits(Set.of(), false, DEFAULT_BODY_BYTES_IN_FLIGHT, DEFAULT_BODY_BYTES_IN_FLIGHT_PER_ADDRESS,
                DEFAULT_BODY_READ_TIMEOUT, DEFAULT_MAX_UNMATCHED_PER_DEMANDER, DEFAULT_MAX_UNMATCHED_TASKS,
                DEFAULT_ESCROW_CHECK, DEFAULT_WS_LOGINS_PER_SECOND, DEFAULT_WS_LOGIN_BURST,
                DEFAULT_WS_FRAME_BYTES_BEFORE_LOGIN, DEFAULT_MAX_PENDING_TASKS);
    }
}
