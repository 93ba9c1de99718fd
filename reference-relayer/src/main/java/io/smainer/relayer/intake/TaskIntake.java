package io.smainer.relayer.intake;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.Snip12;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.ChainException;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.EscrowTask;
import io.smainer.escrow.SignatureCheckUnavailableException;
import io.smainer.escrow.SignatureVerdict;
import io.smainer.fee.FeeMath;
import io.smainer.protocol.Api;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.store.RelayerStore;
import io.smainer.relayer.store.Signal;
import io.smainer.relayer.store.TaskRecord;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Checks a demander's {@code POST /tasks} and stores the task. Order of checks: expiry, room for the payload
 * ({@code limits.max_queued_bytes}: one read of {@link RelayerStore#queuedBytes()}, before any signature check or
 * chain call; a retried request for a task that exists passes), signature
 * (against the key {@link AccountKeys} resolves for the demander; for an account with no resolvable key,
 * the account's own answer through {@link AccountSignatureCheck}), an idempotent retry of an accepted
 * request (same escrow, demander and job: the existing task is returned), nonce, then the escrow on
 * chain, then the store's own atomic check of the byte limit as it stores the task. When the chain cannot be asked
 * about the account, nothing is recorded ({@link AccountCheckUnavailableException}); when there is no room,
 * nothing is stored ({@link RelayerBusyException}; the nonce is used only if the room went between the first
 * check and the store's, to concurrent requests). Thread-safe.
 */
public final class TaskIntake {
    /** How far ahead a request may expire. */
    public static final Duration DEFAULT_MAX_VALIDITY = Duration.ofHours(1);

    private final Escrow escrow;
    private final RelayerStore store;
    private final StarkCrypto crypto;
    private final AccountKeys accountKeys;
    private final AccountSignatureCheck accountSignatures;
    private final Snip12.Domain domain;
    private final Set<ContractAddress> allowedTokens;
    private final Function<String, TokenAmount> minBase;
    private final Map<String, String> webhookSecrets;
    private final Clock clock;
    private final Duration maxValidity;
    private final long maxQueuedBytes;

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
     * @param store the store
     * @param crypto signature checks
     * @param accountKeys demander keys
     * @param accountSignatures asks accounts with no resolvable key ({@link AccountSignatureCheck#NONE}: none)
     * @param chainId the chain (the signed domain)
     * @param allowedTokens tokens an escrow may hold
     * @param minBase the least base price per job kind
     * @param webhookSecrets client id to webhook secret (a webhook URL needs one)
     * @param clock time
     * @param maxQueuedBytes {@code limits.max_queued_bytes}: the most payload and result bytes the tasks not
     *     finished may hold with a new one
     */
    public TaskIntake(Escrow escrow, RelayerStore store, StarkCrypto crypto, AccountKeys accountKeys,
            AccountSignatureCheck accountSignatures, ChainId chainId, Set<ContractAddress> allowedTokens, Function<String, TokenAmount> minBase, Map<String, String> webhookSecrets,
            Clock clock, long maxQueuedBytes) {
        this.escrow = Require.present("escrow", escrow);
        this.store = Require.present("store", store);
        this.crypto = Require.present("crypto", crypto);
        this.accountKeys = Require.present("account_keys", accountKeys);
        this.accountSignatures = Require.present("account_signatures", accountSignatures);
        this.domain = Snip12.Domain.smainer(chainId);
        this.allowedTokens = Set.copyOf(allowedTokens);
        this.minBase = Require.present("min_base", minBase);
        this.webhookSecrets = Map.copyOf(webhookSecrets);
        this.clock = Require.present("clock", clock);
        this.maxValidity = DEFAULT_MAX_VALIDITY;
        this.maxQueuedBytes = Require.range("max_queued_bytes", maxQueuedBytes, 0, Long.MAX_VALUE);
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
        long bytes = req.job().payload().length;
        long queued = store.queuedBytes();
        if (bytes > maxQueuedBytes - queued && store.taskByEscrow(req.escrowId()).isEmpty()) {
            throw new RelayerBusyException(queued, bytes, maxQueuedBytes, false);
        }
        Felt jobHash = req.job().contentHash();
        Felt hash;
        try {
            hash = Snip12.requestHash(domain, req.demander(), req.escrowId(), jobHash, req.nonce(), req.expiresAt());
        } catch (InvalidFieldException e) {
            throw e.within("request");
        }
        checkSignature(req, hash);
        Optional<String> webhookSecret = Optional.empty();
        if (req.webhookUrl().isPresent()) {
            checkWebhookUrl(req.webhookUrl().get());
            String client = webhookClient(clientId, req.demander());
            webhookSecret = Optional.ofNullable(webhookSecrets.get(client));
            if (webhookSecret.isEmpty()) {
                throw new InvalidFieldException("webhook_url", "a webhook secret configured for client " + client
                        + " (webhook_secrets) before webhooks can be signed", req.webhookUrl().get());
            }
        }
        Optional<TaskRecord> existing = store.taskByEscrow(req.escrowId());
        if (existing.isPresent()) {
            return retried(existing.get(), req);
        }
        if (!store.useNonce("request:" + req.demander().hex(), req.nonce(), Instant.ofEpochSecond(req.expiresAt()))) {
            throw new RequestRejectedException(RequestRejectedException.Reason.REPLAYED, "nonce",
                    "nonce: expected a nonce not used before, got " + req.nonce().hex() + " again");
        }
        EscrowTask onChain = checkEscrow(req);
        TaskRecord task = TaskRecord.pending(UUID.randomUUID().toString(), req.escrowId(), req.demander(), req.job(),
                req.settlement(), onChain.amount(), onChain.baseReward(), onChain.tierMultiplier(), onChain.requiredTier(),
                req.webhookUrl(), clientId, now);
        RelayerStore.CreateResult created = store.create(task, maxQueuedBytes);
        if (created instanceof RelayerStore.Busy b) {
            throw new RelayerBusyException(b.queuedBytes(), b.taskBytes(), b.limit(), true);
        }
        if (created instanceof RelayerStore.Duplicate d) {
            return retried(d.task(), req);
        }
        if (created instanceof RelayerStore.Retired r) {
            throw new EscrowRejectedException("escrow_id", "escrow_id: expected an escrow that never backed a task, got "
                    + req.escrowId() + ", which backed task " + r.taskId() + " (it failed longer ago than this relayer"
                    + " keeps finished tasks, store.finished_retention_seconds); cancel the escrow (cancel_task) for a"
                    + " refund");
        }
        TaskRecord stored = ((RelayerStore.Created) created).task();
        store.publish(new Signal(stored.id(), TaskStatus.PENDING));
        return new Outcome(stored, true);
    }

    /** The key {@link AccountKeys} resolves, else the account's own verdict; nothing is stored before this. */
    private void checkSignature(Api.SubmitTask req, Felt hash) {
        ContractAddress demander = req.demander();
        Optional<Felt> key;
        try {
            key = accountKeys.publicKey(demander);
        } catch (ChainException e) {
            throw unavailable(demander, "its key (get_public_key)", e);
        }
        if (key.isPresent()) {
            if (!crypto.verify(key.get(), hash, req.signature())) {
                throw new RequestRejectedException(RequestRejectedException.Reason.BAD_SIGNATURE, "signature",
                        "signature: expected the demander's SNIP-12 signature over the task request on "
                                + domain.chainId() + ", got one that does not verify");
            }
            return;
        }
        String noKey = "demander: no public key is registered with this relayer for " + demander.hex();
        Optional<SignatureVerdict> verdict;
        try {
            verdict = accountSignatures.check(demander, hash, req.signature());
        } catch (SignatureCheckUnavailableException e) {
            switch (e.kind()) {
                case NOT_DEPLOYED -> throw new RequestRejectedException(RequestRejectedException.Reason.UNKNOWN_ACCOUNT,
                        "demander", noKey + ", and no account contract is deployed there");
                case NOT_SUPPORTED -> throw new RequestRejectedException(RequestRejectedException.Reason.UNKNOWN_ACCOUNT,
                        "demander", noKey + ", and its account answers neither get_public_key nor is_valid_signature "
                                + "(SNIP-6)");
                default -> throw unavailable(demander, "whether it accepts the signature (is_valid_signature)", e);
            }
        } catch (ChainException e) {
            throw unavailable(demander, "whether it accepts the signature (is_valid_signature)", e);
        }
        if (verdict.isEmpty()) {
            throw new RequestRejectedException(RequestRejectedException.Reason.UNKNOWN_ACCOUNT, "demander", noKey);
        }
        if (!verdict.get().accepted()) {
            throw new RequestRejectedException(RequestRejectedException.Reason.BAD_SIGNATURE, "signature",
                    "signature: expected a signature the demander's account accepts over the SNIP-12 task request on "
                            + domain.chainId() + ", got one it refuses (" + verdict.get().answer() + ")");
        }
    }

    /** The node's own words stay in the log (they may name the RPC endpoint); the client learns what and whom. */
    private static AccountCheckUnavailableException unavailable(ContractAddress demander, String what, ChainException e) {
        return new AccountCheckUnavailableException(demander, "demander: the chain could not be asked about account "
                + demander.hex() + ", " + what + "; nothing was recorded and the nonce is unused: send the same "
                + "request again later", e);
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

    private static void checkWebhookUrl(String url) {
        try {
            URI u = URI.create(url);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("webhook_url", "an absolute http or https URL", url);
        }
    }
}
