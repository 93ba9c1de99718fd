package io.smainer.relayer.intake;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.Snip12;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.EscrowTask;
import io.smainer.fee.FeeMath;
import io.smainer.fee.Tier;
import io.smainer.protocol.Api;
import io.smainer.relayer.scheduling.Waiting;
import io.smainer.relayer.settlement.WebhookDestinations;
import io.smainer.relayer.store.TaskRecord;
import io.smainer.relayer.store.TaskStore;
import io.smainer.seal.Envelope;
import io.smainer.seal.SealedJobs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Checks a demander's {@code POST /tasks} and stores the task. The signature covers every field of the request
 * ({@link Api.SubmitTask#signedHash}). Order of checks: expiry, room for the payload and in the queue
 * ({@code limits.max_queued_bytes} and {@code limits.max_pending_tasks}: one read, {@link TaskStore#admission}, before
 * any signature check or chain call; a retried request for a task that exists passes), signature
 * (against the key {@link AccountKeys} resolves for the demander; for an account with no resolvable key,
 * the account's own answer through {@link AccountSignatureCheck}), an idempotent retry of an accepted
 * request (same escrow, demander and job: the existing task is returned), then the escrow on chain, then whether a
 * provider online can run it (else the bound on such tasks, {@link NoProviderException}), then the store's own
 * atomic step: the nonce unused, room for the bytes and in the queue, and only then the nonce recorded with the
 * task ({@link TaskStore#create(TaskRecord, TaskStore.Room, Optional)}, one round trip on Redis). When the chain
 * cannot be asked about the account, nothing is recorded ({@link AccountCheckUnavailableException}); when there is
 * no room, nothing is stored and the nonce stays unused ({@link RelayerBusyException}: 503 with Retry-After).
 * Thread-safe.
 */
public final class TaskIntake {
    /** How far ahead a request may expire. */
    public static final Duration DEFAULT_MAX_VALIDITY = Duration.ofHours(1);

    private final Escrow escrow;
    private final TaskStore store;
    private final DemanderSignatures signatures;
    private final Snip12.Domain domain;
    private final Set<ContractAddress> allowedTokens;
    private final Function<String, TokenAmount> minBase;
    private final Map<String, String> webhookSecrets;
    private final WebhookDestinations destinations;
    private final Clock clock;
    private final Duration maxValidity;
    private final long maxQueuedBytes;
    private final long maxPending;
    private final Waiting waiting;
    private final int maxUnmatchedPerDemander;
    private final int maxUnmatchedTasks;

    /**
     * What {@link #submit} did.
     *
     * @param task the stored task
     * @param created true for a new task, false when an accepted request was retried
     */
    public record Outcome(TaskRecord task, boolean created) {
    }

    /**
     * @param escrow the escrow, read as the relayer's account
     * @param store the tasks (a request's nonce is recorded with its task)
     * @param signatures checks the demander's signature
     * @param chainId the chain (the signed domain)
     * @param allowedTokens tokens an escrow may hold
     * @param minBase the least base price per job kind
     * @param webhookSecrets client id to webhook secret (a webhook URL needs one)
     * @param destinations where webhooks may go
     * @param clock time
     * @param maxQueuedBytes {@code limits.max_queued_bytes}: the most payload and result bytes the tasks not
     *     finished may hold with a new one
     * @param waiting tells whether a provider online can run a task, and counts the pending tasks none can
     * @param maxUnmatchedPerDemander {@code limits.max_unmatched_per_demander}
     * @param maxUnmatchedTasks {@code limits.max_unmatched_tasks}
     * @param maxPending {@code limits.max_pending_tasks}: the most PENDING tasks; past it a request is refused for room
     */
    public TaskIntake(Escrow escrow, TaskStore store, DemanderSignatures signatures, ChainId chainId,
            Set<ContractAddress> allowedTokens, Function<String, TokenAmount> minBase, Map<String, String> webhookSecrets,
            WebhookDestinations destinations, Clock clock, long maxQueuedBytes, Waiting waiting,
            int maxUnmatchedPerDemander, int maxUnmatchedTasks, int maxPending) {
        this.escrow = Require.present("escrow", escrow);
        this.store = Require.present("store", store);
        this.signatures = Require.present("signatures", signatures);
        this.domain = Snip12.Domain.smainer(chainId);
        this.allowedTokens = Set.copyOf(allowedTokens);
        this.minBase = Require.present("min_base", minBase);
        this.webhookSecrets = Map.copyOf(webhookSecrets);
        this.destinations = Require.present("destinations", destinations);
        this.clock = Require.present("clock", clock);
        this.maxValidity = DEFAULT_MAX_VALIDITY;
        this.maxQueuedBytes = Require.range("max_queued_bytes", maxQueuedBytes, 0, Long.MAX_VALUE);
        this.waiting = Require.present("waiting", waiting);
        this.maxUnmatchedPerDemander = maxUnmatchedPerDemander;
        this.maxUnmatchedTasks = maxUnmatchedTasks;
        this.maxPending = Require.range("max_pending", maxPending, 1, Integer.MAX_VALUE);
    }

    /**
     * @param clientId the API client, or empty for an anonymous demander
     * @param demander the demander
     * @return the id whose webhook secret signs this demander's webhooks
     */
    public static String webhookClient(Optional<String> clientId, ContractAddress demander) {
        return clientId.orElse(demander.hex());
    }

    /**
     * @param req the request
     * @param clientId the API client that sent it, if any
     * @return the stored task
     * @throws RequestRejectedException for a bad signature, an unknown account, an expired request or a replayed nonce
     * @throws AccountCheckUnavailableException when the chain could not be asked about the demander's account
     * @throws EscrowRejectedException when the escrow does not check out
     * @throws RelayerBusyException when the tasks not finished hold too many bytes to take this one
     * @throws InvalidFieldException for bad input
     */
    public Outcome submit(Api.SubmitTask req, Optional<String> clientId) {
        long now = clock.millis();
        long nowSeconds = now / 1000;
        if (req.expiresAt() < nowSeconds) {
            throw new RequestRejectedException(RequestRejectedException.Reason.EXPIRED, "expires_at",
                    "expires_at: expected a time after now (" + nowSeconds + "), got " + req.expiresAt());
        }
        if (req.expiresAt() > nowSeconds + maxValidity.toSeconds()) {
            throw new RequestRejectedException(RequestRejectedException.Reason.EXPIRED, "expires_at",
                    "expires_at: expected at most " + maxValidity.toSeconds() + " s ahead (" + (nowSeconds + maxValidity.toSeconds())
                            + "), got " + req.expiresAt());
        }
        if (SealedJobs.isSealed(req.job())) {
            Envelope.Recipient replyTo = SealedJobs.header(req.job()).replyTo().orElseThrow();
            if (!replyTo.address().equals(req.demander())) {
                throw new InvalidFieldException("job.payload", "a sealed job whose reply-to is its demander "
                        + req.demander().hex(), replyTo.address().hex());
            }
        }
        long bytes = req.job().payload().length;
        TaskStore.Admission room = store.admission(req.escrowId()); // one read, before any CPU is spent on the request
        if (room.existing().isEmpty()) {
            if (bytes > maxQueuedBytes - room.queuedBytes()) {
                throw new RelayerBusyException(room.queuedBytes(), bytes, maxQueuedBytes, false);
            }
            if (room.pending() >= maxPending) {
                throw RelayerBusyException.queueFull(room.pending(), maxPending);
            }
        }
        Felt hash;
        try {
            hash = req.signedHash(domain);
        } catch (InvalidFieldException e) {
            throw e.within("request");
        }
        signatures.check(req.demander(), hash, req.signature(), "the task request on " + domain.chainId());
        Optional<String> webhookSecret = Optional.empty();
        if (req.webhookUrl().isPresent()) {
            destinations.check(req.webhookUrl().get());
            String client = webhookClient(clientId, req.demander());
            webhookSecret = Optional.ofNullable(webhookSecrets.get(client));
            if (webhookSecret.isEmpty()) {
                throw new InvalidFieldException("webhook_url", "a webhook secret configured for client " + client
                        + " (webhook_secrets) before webhooks can be signed", req.webhookUrl().get());
            }
        }
        if (room.existing().isPresent()) {
            return retried(room.existing().get(), req);
        }
        EscrowTask onChain = checkEscrow(req);
        checkRunnable(req, onChain.requiredTier());
        TaskRecord task = TaskRecord.pending(UUID.randomUUID().toString(), req.escrowId(), req.demander(), req.job(),
                req.settlement(), onChain.amount(), onChain.baseReward(), onChain.tierMultiplier(), onChain.requiredTier(),
                req.webhookUrl(), clientId, now);
        TaskStore.CreateResult created = store.create(task, new TaskStore.Room(maxQueuedBytes, maxPending),
                Optional.of(new TaskStore.NonceUse("request:" + req.demander().hex(), req.nonce(),
                        Instant.ofEpochSecond(req.expiresAt()))));
        if (created instanceof TaskStore.Busy b) { // the room went between the first read and now
            throw new RelayerBusyException(b.queuedBytes(), b.taskBytes(), b.limit(), false);
        }
        if (created instanceof TaskStore.Full f) {
            throw RelayerBusyException.queueFull(f.pending(), f.limit());
        }
        if (created instanceof TaskStore.Replayed) {
            throw new RequestRejectedException(RequestRejectedException.Reason.REPLAYED, "nonce",
                    "nonce: expected a nonce not used before, got " + req.nonce().hex() + " again");
        }
        if (created instanceof TaskStore.Duplicate d) {
            return retried(d.task(), req);
        }
        if (created instanceof TaskStore.Retired r) {
            throw new EscrowRejectedException("escrow_id", "escrow_id: expected an escrow that never backed a task, got "
                    + req.escrowId() + ", which backed task " + r.taskId() + " (it failed longer ago than this relayer"
                    + " keeps finished tasks, store.finished_retention_seconds); cancel the escrow (cancel_task) for a"
                    + " refund");
        }
        TaskRecord stored = ((TaskStore.Created) created).task();
        return new Outcome(stored, true);
    }

    /**
     * A task no provider online can run is taken only while its demander, and everyone, have fewer such tasks
     * pending than {@code limits.max_unmatched_per_demander} and {@code limits.max_unmatched_tasks}.
     */
    private void checkRunnable(Api.SubmitTask req, Tier tier) {
        if (waiting.runnable(req.job(), tier)) {
            return;
        }
        Waiting.Unmatched n = waiting.unmatched(req.demander(), maxUnmatchedPerDemander, maxUnmatchedTasks);
        if (n.demander() >= maxUnmatchedPerDemander || n.all() >= maxUnmatchedTasks) {
            throw new NoProviderException("job.kind: no provider online can run a " + req.job().kind() + " job at tier "
                    + tier.wireName() + ", and " + (n.demander() >= maxUnmatchedPerDemander ? "this demander has "
                    + n.demander() + " such tasks pending (limits.max_unmatched_per_demander)" : n.all()
                    + " such tasks are pending (limits.max_unmatched_tasks)") + "; nothing was stored (the request's"
                    + " nonce was used: sign it again to retry once a provider for it is online)");
        }
    }

    private Outcome retried(TaskRecord existing, Api.SubmitTask req) {
        if (existing.demander().equals(req.demander()) && existing.job().contentHash().equals(req.job().contentHash())) {
            return new Outcome(existing, false);
        }
        throw new EscrowRejectedException("escrow_id", "escrow_id: expected an escrow that never backed a task, got "
                + req.escrowId() + ", which backs task " + existing.id());
    }

    private EscrowTask checkEscrow(Api.SubmitTask req) {
        EscrowTask t = escrow.getTask(req.escrowId()).orElseThrow(() -> new EscrowRejectedException("escrow_id",
                "escrow_id: expected an escrow on chain, got " + req.escrowId() + ", which does not exist"));
        if (t.status() != EscrowStatus.CREATED) {
            throw new EscrowRejectedException("escrow_id", "escrow_id: expected an escrow in status CREATED, got "
                    + req.escrowId() + " in status " + t.status());
        }
        if (!t.creator().equals(req.demander())) {
            throw new EscrowRejectedException("demander", "demander: expected the escrow's creator " + t.creator().hex()
                    + ", got " + req.demander().hex());
        }
        if (!allowedTokens.contains(t.token())) {
            throw new EscrowRejectedException("escrow_id", "escrow_id: expected an escrow in an allowed token "
                    + allowedTokens + ", got one in " + t.token().hex());
        }
        TokenAmount required = FeeMath.adjust(minBase.apply(req.job().kind()), t.tierMultiplier());
        if (t.amount().compareTo(required) < 0) {
            throw new EscrowRejectedException("escrow_id", "escrow_id: expected an escrow of at least " + required
                    + " base units (the " + t.requiredTier().wireName() + " quote for a " + req.job().kind()
                    + " job), got " + t.amount());
        }
        return t;
    }
}
