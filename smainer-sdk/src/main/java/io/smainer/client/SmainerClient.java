package io.smainer.client;

import com.google.gson.reflect.TypeToken;
import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.SmainerException;
import io.smainer.SmainerVersion;
import io.smainer.chain.ChainId;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.AccountSignature;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.Snip12;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.escrow.TxResult;
import io.smainer.fee.Tier;
import io.smainer.job.CheckResult;
import io.smainer.job.Freivalds;
import io.smainer.job.Jobs;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.NodeCapabilities;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.protocol.ProtocolException;
import io.smainer.protocol.SettlementMode;
import io.smainer.protocol.TaskStatus;
import io.smainer.seal.Envelope;
import io.smainer.seal.SealBinding;
import io.smainer.seal.SealException;
import io.smainer.seal.SealKeyPair;
import io.smainer.seal.SealedJob;
import io.smainer.seal.SealedJobs;
import java.io.IOException;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * What a demander calls: a quote, an escrow, a signed task submission, the task's status, and its result
 * once settled. Immutable and thread-safe; built with {@link #builder()}. Uses the JDK's HTTP client
 * only.
 *
 * <pre>{@code
 * try (SmainerClient client = SmainerClient.builder().relayer(URI.create("http://127.0.0.1:8000"))
 *         .escrow(escrow).keyPair(keys).chainId(ChainId.LOCAL).build()) {
 *     JobSpec job = JobSpec.of("echo", Map.of(), "hello".getBytes(UTF_8));
 *     CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.1"), Tier.BASIC, job);
 *     Api.TaskCreated task = client.submit(funded.taskId(), job);
 *     Api.TaskResult result = client.awaitResult(task.taskId(), Duration.ofMinutes(5));
 * }
 * }</pre>
 *
 * <p>A request is signed (SNIP-12, domain {@code Smainer}/{@code 1}/chain id) over the escrow id, the
 * job's content hash, the terms (settlement mode, webhook URL), a fresh random nonce and an expiry; the
 * relayer checks the signer is the escrow's creator. The result is released only after the relayer's
 * settlement is confirmed on chain, and only to its demander: every read of a task's details or result
 * carries a short-lived SNIP-12 read signature ({@link #READ_SIGNATURE_HEADER}, {@link #READ_EXPIRES_HEADER}).
 *
 * <p>Retries: an answer that says a dependency of the relayer is down (502, 504, or a 503 other than
 * {@code relayer_busy} and {@code no_provider}, which are handed to the caller; waiting its {@code Retry-After} when it gives one)
 * and a relayer that cannot be reached are tried again, with a backoff from {@value #FIRST_BACKOFF_MILLIS} ms
 * doubling to {@value #MAX_BACKOFF_MILLIS} ms, for as long as the call's timeout allows; a submission is signed
 * afresh (a new nonce) for each try, and its escrow makes it idempotent. A read that timed out is tried again too.
 * When time runs out the last failure is thrown, saying how many tries were made.
 */
public final class SmainerClient implements AutoCloseable {
    /** How long a signed request stays valid. */
    public static final Duration DEFAULT_REQUEST_VALIDITY = Duration.ofMinutes(5);
    /** The longest one HTTP call may take (long polls add their wait). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** The longest one long poll asks the relayer to wait. */
    public static final Duration LONG_POLL = Duration.ofSeconds(25);
    /** The {@code User-Agent} of its requests: {@code smainer-sdk/<version> (Java <version>)}. */
    public static final String USER_AGENT = SmainerVersion.userAgent("smainer-sdk");
    /**
     * The header that carries a demander's read signature: its felts comma-separated, {@code 0x<r>,0x<s>} for a
     * Stark key (2 to {@value AccountSignature#MAX_FELTS} felts).
     */
    public static final String READ_SIGNATURE_HEADER = "X-Smainer-Read-Signature";
    /** The header that carries the epoch second a read signature expires at. */
    public static final String READ_EXPIRES_HEADER = "X-Smainer-Read-Expires";
    /** How long a read signature stays valid. */
    public static final Duration READ_VALIDITY = Duration.ofMinutes(2);

    private static final ProtocolCodec CODEC = ProtocolCodec.create();

    private final URI base;
    private final Escrow escrow;
    private final AccountSigner signer;
    private final Snip12.Domain domain;
    private final Clock clock;
    private final StarkCrypto crypto;
    private final HttpClient http;
    private final Optional<String> apiKey;
    private final Duration validity;
    private final Duration timeout;
    private final SecureRandom random = new SecureRandom();
    private final SealKeyPair sealKeys;
    /** Per task, the read signature in use: reused until it has less than a third of its validity left. */
    private final Map<String, ReadProof> readProofs = new ConcurrentHashMap<>();

    private record ReadProof(long expiresAt, AccountSignature signature) {
    }

    /** The chain the requests are signed for: the escrow's, unless set; a setting that contradicts it is refused. */
    private static ChainId chainId(ChainId set, Escrow escrow) {
        Optional<ChainId> known = escrow.chainId();
        if (set == null) {
            return known.orElseThrow(() -> new InvalidFieldException("chain_id", "a chain id (this escrow does not know"
                    + " its chain)", null));
        }
        if (known.isPresent() && !known.get().equals(set)) {
            throw new InvalidFieldException("chain_id", "the escrow's chain " + known.get() + " or nothing", set);
        }
        return set;
    }

    private SmainerClient(Builder b) {
        URI relayer = Require.present("relayer", b.relayer);
        String s = relayer.toString();
        this.base = URI.create((s.endsWith("/") ? s.substring(0, s.length() - 1) : s) + "/api/v1");
        this.escrow = Require.present("escrow", b.escrow);
        if (b.keyPair == null && b.signer == null) {
            throw new InvalidFieldException("key_pair", "the demander's key pair, or a signer for its account", null);
        }
        this.domain = Snip12.Domain.smainer(chainId(b.chainId, escrow));
        this.clock = Require.present("clock", b.clock);
        this.crypto = Require.present("crypto", b.crypto);
        this.signer = b.signer != null ? b.signer : AccountSigner.of(b.keyPair, crypto);
        this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.apiKey = Require.optional("api_key", b.apiKey);
        this.validity = Require.present("request_validity", b.validity);
        this.timeout = Require.present("timeout", b.timeout);
        this.sealKeys = b.sealKeys != null ? b.sealKeys : b.keyPair != null ? SealKeyPair.derive(b.keyPair) : null;
    }

    /** @return a builder; relayer, escrow and a key pair (or a signer) are required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Asks the relayer what a task costs: the escrow to lock and how a flat settlement splits it, at the
     * multipliers in force on chain.
     *
     * @param base the base price
     * @param tier the tier
     * @return the quote, amounts as decimal strings of base units
     */
    public Api.QuoteView quote(TokenAmount base, Tier tier) {
        return get("/fees/quote?amount=" + base + "&tier=" + tier.wireName(), Api.QuoteView.class, timeout);
    }

    /**
     * Funds an escrow for a job: ERC-20 {@code approve} and {@code create_tiered_task} in one multicall,
     * committing to the job's content hash. The demander pays the tier-adjusted amount.
     *
     * @param base the base price
     * @param tier the tier
     * @param job the job it pays for
     * @return the escrow's on-chain id and the amount locked
     */
    public CreatedTask createEscrow(TokenAmount base, Tier tier, JobSpec job) {
        return escrow.createTask(escrow.token(), base, tier, job.contentHash());
    }

    /**
     * Submits a job against a funded escrow, flat settlement, no webhook.
     *
     * @param escrowId the escrow's on-chain id
     * @param job the job
     * @return the relayer's task id
     * @throws SubmitRefusedException when refused (402: the escrow does not check out; 4xx: bad input; 429 or
     *     503: later); the escrow stays funded, see {@link #cancelEscrow}
     */
    public Api.TaskCreated submit(U256 escrowId, JobSpec job) {
        return submit(escrowId, job, SettlementMode.FLAT, Optional.empty());
    }

    /**
     * Submits a job against a funded escrow, signed by this client's key.
     *
     * @param escrowId the escrow's on-chain id
     * @param job the job
     * @param settlement flat, or effort (the unused part of the escrow is refunded)
     * @param webhookUrl where the relayer POSTs the result once settled (needs a webhook secret set up
     *        with the relayer's operator)
     * @return the relayer's task id
     * @throws SubmitRefusedException when refused; the escrow stays funded, see {@link #cancelEscrow}
     */
    public Api.TaskCreated submit(U256 escrowId, JobSpec job, SettlementMode settlement, Optional<String> webhookUrl) {
        return retrying(timeout, false, () -> submitOnce(escrowId, job, settlement, webhookUrl));
    }

    private Api.TaskCreated submitOnce(U256 escrowId, JobSpec job, SettlementMode settlement, Optional<String> webhookUrl) {
        Felt nonce = new Felt(new BigInteger(248, random));
        long expiresAt = clock.instant().plus(validity).getEpochSecond();
        Felt hash = Snip12.requestHash(domain, escrow.caller(), escrowId, job.contentHash(),
                Api.SubmitTask.termsHash(settlement, webhookUrl), nonce, expiresAt);
        AccountSignature sig = sign(hash);
        Api.SubmitTask body = new Api.SubmitTask(escrowId, job, settlement, escrow.caller(), nonce, expiresAt, sig,
                webhookUrl);
        HttpRequest.Builder req = request("/tasks", timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CODEC.toJson(body)));
        try {
            return send(req.build(), Api.TaskCreated.class);
        } catch (RelayerApiException e) {
            throw new SubmitRefusedException(escrowId, e.status(), e.body(), e.retryAfter());
        }
    }

    /**
     * {@code cancel_task}: takes back the whole of an escrow this client's account funded, while it is still
     * CREATED on chain (no provider was paid from it): after a refused submit, or a task that failed.
     *
     * @param escrowId the escrow's on-chain id
     * @return the transaction
     * @throws EscrowRevertedException when the contract refuses (not the creator's, or no
     *     longer CREATED), with its revert text
     */
    public TxResult cancelEscrow(U256 escrowId) {
        return escrow.cancelTask(escrowId);
    }

    /**
     * @param taskId the relayer's task id
     * @return where it is
     */
    public Api.TaskView task(String taskId) {
        return read(taskId, "", Api.TaskView.class, timeout);
    }

    /**
     * The result of a settled task, now (no waiting).
     *
     * @param taskId the relayer's task id
     * @return the result
     * @throws RelayerApiException 409 while it is not settled
     */
    public Api.TaskResult result(String taskId) {
        return read(taskId, "/result", Api.TaskResult.class, timeout);
    }

    /**
     * Waits, by long polling, until the task is settled, then fetches its result.
     *
     * @param taskId the relayer's task id
     * @param wait the longest to wait
     * @return the result, released after the settlement was confirmed
     * @throws TaskFailedException when the task failed (cancel the escrow for a refund)
     * @throws ResultTimeoutException when it is not settled within {@code wait} (the task goes on)
     */
    public Api.TaskResult awaitResult(String taskId, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
            long poll = Math.min(left, LONG_POLL.toMillis());
            Api.TaskView v = read(taskId, "?wait_ms=" + poll, Api.TaskView.class, timeout.plusMillis(poll));
            if (v.status() == TaskStatus.SETTLED) {
                return result(taskId);
            }
            if (v.status() == TaskStatus.FAILED) {
                throw new TaskFailedException(taskId, v.escrowId(), v.error().orElse("no reason given"));
            }
            if (System.nanoTime() >= deadline) {
                throw new ResultTimeoutException(taskId, v.status(), wait);
            }
        }
    }

    // ---- sealed tasks ----

    /**
     * This client's sealing key pair, derived from its Stark key ({@link SealKeyPair#derive}): nothing to store, the
     * same on every run; or the one given to {@link Builder#sealKeys}. Its public half travels in each sealed job as
     * the reply-to, covered by the request signature (through the job hash); sealed results open with it.
     *
     * @return the key pair (its {@code toString} hides the private key)
     * @throws IllegalStateException for a client built with a {@link Builder#signer} and neither a key pair nor
     *     seal keys: it cannot seal
     */
    public SealKeyPair sealKeys() {
        if (sealKeys == null) {
            throw new IllegalStateException("this client signs through an AccountSigner and has no sealing keys: give "
                    + "the builder sealKeys(SealKeyPair) (keep the key pair: sealed results open only with it) or a keyPair");
        }
        return sealKeys;
    }

    /** The account's signature over a hash, as its signer gives it; a signer's bad answer is refused here. */
    private AccountSignature sign(Felt hash) {
        return AccountSignature.of(signer.sign(hash));
    }

    /**
     * The providers a job can be sealed to: from {@code GET /nodes}, those online that offer its kind at the tier or
     * above (with the GPU memory it asks for) and publish a sealing key whose binding verifies against the key
     * registered on chain for their account (read through this client's escrow, not taken from the relayer), so a
     * relayer that put its own key in a provider's place is not trusted with the job.
     *
     * @param kind the job kind
     * @param tier the escrow's tier
     * @param maxMemoryBytes the GPU memory the job needs (0: none)
     * @param max the most to return (at most {@value Envelope#MAX_RECIPIENTS})
     * @return the recipients, least loaded first
     */
    public List<Envelope.Recipient> sealRecipients(String kind, Tier tier, long maxMemoryBytes, int max) {
        Require.range("max", max, 1, Envelope.MAX_RECIPIENTS);
        Api.Page<Api.NodeView> page = retrying(timeout, true, () -> send(request("/nodes", timeout).GET().build(),
                new TypeToken<Api.Page<Api.NodeView>>() { }.getType()));
        List<Api.NodeView> fit = new ArrayList<>();
        for (Api.NodeView n : page.items()) {
            NodeCapabilities c = n.capabilities();
            if (n.online() && c.seal().isPresent() && c.jobKinds().contains(kind) && c.tier().code() >= tier.code()
                    && (maxMemoryBytes == 0 || c.largestGpuMemoryBytes() >= maxMemoryBytes)) {
                fit.add(n);
            }
        }
        fit.sort(Comparator.comparingDouble(n -> n.running() / (double) n.capabilities().maxConcurrent()));
        List<Envelope.Recipient> out = new ArrayList<>();
        for (Api.NodeView n : fit) {
            SealBinding b = n.capabilities().seal().get();
            Optional<Felt> starkKey = escrow.providerPublicKey(n.address());
            if (starkKey.isPresent() && b.verifies(crypto, domain, n.address(), starkKey.get()) && out.size() < max) {
                out.add(new Envelope.Recipient(n.address(), b.key()));
            }
        }
        return out;
    }

    /**
     * Seals a job for the given providers, with this client's sealing key as reply-to. Fund the escrow for
     * {@link SealedJob#sealed()} and submit that: the relayer then sees the kind, the limits and the sizes, never the
     * parameters, the payload or the result.
     *
     * @param job the plain job
     * @param providers who may run it ({@link #sealRecipients})
     * @return the sealed job, the plain one, and the payload's content key
     */
    public SealedJob seal(JobSpec job, List<Envelope.Recipient> providers) {
        return SealedJobs.seal(job, SealedJobs.recipient(escrow.caller(), sealKeys()), providers, random);
    }

    /**
     * Waits until a sealed task is settled, then opens and checks its result ({@link #openResult}).
     *
     * @param taskId the relayer's task id
     * @param job the sealed job as this client sealed it
     * @param wait the longest to wait
     * @return the opened result
     * @throws SealedResultRefusedException when the result is refused
     */
    public OpenedResult awaitSealedResult(String taskId, SealedJob job, Duration wait) {
        return openResult(awaitResult(taskId, wait), job);
    }

    /**
     * Opens and checks a sealed task's result here, as the relayer cannot: the bytes must match the hash the provider
     * signed and the chain settled, the envelope must open with this client's sealing key and authenticate, and the
     * result must pass the kind's check where it has a cheap one (Freivalds for {@code matmul-f32}).
     *
     * @param released the result as the relayer released it
     * @param job the sealed job
     * @return the opened result
     * @throws SealedResultRefusedException when any of these fails
     */
    public OpenedResult openResult(Api.TaskResult released, SealedJob job) {
        Opening o = open(released, job);
        if (!o.check().passed()) {
            throw new SealedResultRefusedException(released.taskId(), "the opened result fails its check: "
                    + o.check().detail(), null);
        }
        return new OpenedResult(released.taskId(), o.opened().plaintext(), released.resultHash(), released.settlementTx(),
                o.check(), o.opened().fileKey());
    }

    /**
     * Disputes a sealed task's result: fetches it, opens it and runs {@link #openResult}'s checks; when the opened result
     * fails its check, sends the relayer the content keys of the sealed job and of the sealed result, signed as this
     * task's demander ({@link Snip12#disputeHash}), so that the relayer (and anyone it shows the evidence to) can open
     * both, check the result against the provider's signed receipt and slash the provider's stake.
     *
     * @param taskId the relayer's task id (settled: its result is released)
     * @param job the sealed job as this client sealed it
     * @return the relayer's answer: the slash's {@code reason_hash}, the hash of the evidence it keeps and serves
     * @throws NothingToDisputeException when the result passes its check (nothing is sent)
     * @throws SealedResultRefusedException when the result's bytes do not match its hash or its envelope does not open
     *     with this client's key: there is no content key to reveal (nothing is sent)
     * @throws RelayerApiException when the relayer refuses the dispute (409 {@code result_checks_out} when it finds
     *     the result right, {@code already_disputed}, {@code staking_disabled}; 4xx naming a field)
     */
    public Api.DisputeAccepted disputeSealedResult(String taskId, SealedJob job) {
        Api.TaskResult released = result(taskId);
        Opening o = open(released, job);
        if (o.check().passed()) {
            throw new NothingToDisputeException(taskId, o.check().detail());
        }
        byte[] resultKey = o.opened().fileKey();
        return retrying(timeout, false, () -> disputeOnce(taskId, job.fileKey(), resultKey));
    }

    private Api.DisputeAccepted disputeOnce(String taskId, byte[] jobKey, byte[] resultKey) {
        long expiresAt = clock.instant().plus(validity).getEpochSecond();
        AccountSignature sig = sign(Snip12.disputeHash(domain, escrow.caller(), taskId, jobKey, resultKey, expiresAt));
        Api.DisputeSealedResult body = Api.DisputeSealedResult.of(escrow.caller(), jobKey, resultKey, expiresAt, sig);
        HttpRequest req = request("/tasks/" + encode(taskId) + "/dispute", timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CODEC.toJson(body))).build();
        return send(req, Api.DisputeAccepted.class);
    }

    /** A sealed result opened with this client's key, and the verdict of its kind's cheap check. */
    private record Opening(Envelope.Opened opened, CheckResult check) {
    }

    /** Checks the bytes against their hash, opens them and runs the kind's cheap check (without judging it). */
    private Opening open(Api.TaskResult released, SealedJob job) {
        String taskId = released.taskId();
        if (!Receipts.resultHash(released.result()).equals(released.resultHash())) {
            throw new SealedResultRefusedException(taskId, "its bytes do not hash to the signed result_hash "
                    + released.resultHash(), null);
        }
        Envelope.Opened opened;
        try {
            opened = SealedJobs.openResult(released.result(), sealKeys());
        } catch (SealException e) {
            throw new SealedResultRefusedException(taskId, e.getMessage(), e);
        }
        CheckResult check = Jobs.MATMUL_F32.equals(job.plain().kind())
                ? Freivalds.create().check(job.plain(), opened.plaintext())
                : CheckResult.pass("opened and authenticated; kind " + job.plain().kind() + " has no cheap check");
        return new Opening(opened, check);
    }

    private <T> T get(String path, Class<T> type, Duration callTimeout) {
        return retrying(callTimeout, true, () -> send(request(path, callTimeout).GET().build(), type));
    }

    /** The first wait before a retry. */
    static final long FIRST_BACKOFF_MILLIS = 200;
    /** The longest wait between retries (a longer {@code Retry-After} is waited in full while time allows). */
    static final long MAX_BACKOFF_MILLIS = 2000;

    /**
     * Runs a call, trying again while it fails with a retryable answer and the budget allows.
     *
     * @param budget how long all tries together may take
     * @param idempotent true for a read: one that timed out is tried again too
     */
    private <T> T retrying(Duration budget, boolean idempotent, Supplier<T> call) {
        long end = System.nanoTime() + budget.toNanos();
        long backoff = FIRST_BACKOFF_MILLIS;
        for (int attempt = 1;; attempt++) {
            Optional<Duration> wait;
            RuntimeException failure;
            try {
                return call.get();
            } catch (RelayerApiException e) {
                if (!retryable(e.status(), e.body().error())) {
                    throw e;
                }
                failure = e;
                wait = e.retryAfter();
            } catch (Unreachable e) {
                if (e.timedOut && !idempotent) {
                    throw e.withAttempts(attempt);
                }
                failure = e;
                wait = Optional.empty();
            }
            long pause = wait.map(Duration::toMillis).orElse(backoff);
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            if (System.nanoTime() + pause * 1_000_000 >= end) {
                throw failure instanceof Unreachable u ? u.withAttempts(attempt) : failure;
            }
            LockSupport.parkNanos(pause * 1_000_000);
            if (Thread.currentThread().isInterrupted()) {
                throw new SmainerException("interrupted while waiting to call the relayer again", failure);
            }
        }
    }

    /**
     * @param status an answer's status
     * @param error its error code
     * @return true when the same request may succeed later because a dependency of the relayer is down (502, 504, a
     *     503 such as {@code store_unavailable}); not a 503 {@code relayer_busy} or {@code no_provider} (too many
     *     tasks no provider can run), back-pressure the caller decides about (its {@code Retry-After} is on the
     *     exception)
     */
    static boolean retryable(int status, String error) {
        return status == 502 || status == 504
                || (status == 503 && !"relayer_busy".equals(error) && !"no_provider".equals(error));
    }

    /** The relayer could not be reached (refused, reset or timed out): says which, never {@code null}. */
    static final class Unreachable extends SmainerException {
        private static final long serialVersionUID = 1L;
        final boolean timedOut;
        private final URI base;
        private final IOException cause;

        Unreachable(URI base, IOException cause, int attempts) {
            super("relayer " + base + " could not be reached" + (attempts > 1 ? " (" + attempts + " tries)" : "") + ": "
                    + describe(cause), cause);
            this.base = base;
            this.cause = cause;
            this.timedOut = cause instanceof HttpTimeoutException;
        }

        Unreachable withAttempts(int attempts) {
            return attempts <= 1 ? this : new Unreachable(base, cause, attempts);
        }
    }

    /**
     * @param e a failed call
     * @return what failed, in words: the exception's message, else its kind and its cause's
     */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.isBlank()) {
                return t == e ? m : kind(e) + ": " + m;
            }
        }
        return kind(e);
    }

    private static String kind(Throwable t) {
        if (t instanceof ConnectException) {
            return "connection refused";
        }
        if (t instanceof HttpTimeoutException) {
            return "timed out";
        }
        if (t instanceof ClosedChannelException) {
            return "connection closed";
        }
        return t.getClass().getSimpleName();
    }

    /** A read of the task's details or result, signed as its demander ({@link Snip12#readHash}). */
    private <T> T read(String taskId, String rest, Class<T> type, Duration callTimeout) {
        long now = clock.instant().getEpochSecond();
        ReadProof proof = readProofs.compute(taskId, (k, p) -> {
            if (p != null && p.expiresAt() - now > READ_VALIDITY.toSeconds() / 3) {
                return p; // the relayer remembers a proof it checked: reusing it spares an account check per read
            }
            long expiresAt = now + READ_VALIDITY.toSeconds();
            return new ReadProof(expiresAt, sign(Snip12.readHash(domain, escrow.caller(), taskId, expiresAt)));
        });
        if (readProofs.size() > 1_000) {
            readProofs.entrySet().removeIf(e -> e.getValue().expiresAt() <= now);
        }
        HttpRequest req = request("/tasks/" + encode(taskId) + rest, callTimeout)
                .header(READ_EXPIRES_HEADER, Long.toString(proof.expiresAt()))
                .header(READ_SIGNATURE_HEADER, proof.signature().toHeader()).GET()
                .build();
        return retrying(callTimeout, true, () -> send(req, type));
    }

    private HttpRequest.Builder request(String path, Duration callTimeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(callTimeout)
                .header("Accept", "application/json").header("User-Agent", USER_AGENT);
        apiKey.ifPresent(k -> b.header("Authorization", "Bearer " + k));
        return b;
    }

    private <T> T send(HttpRequest req, Class<T> type) {
        return send(req, (Type) type);
    }

    private <T> T send(HttpRequest req, Type type) {
        HttpResponse<String> res;
        try {
            res = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Unreachable(base, e, 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SmainerException("interrupted while calling the relayer", e);
        }
        if (res.statusCode() / 100 != 2) {
            Api.ErrorBody err;
            try {
                err = CODEC.fromJson(res.body(), Api.ErrorBody.class);
            } catch (ProtocolException e) {
                err = new Api.ErrorBody("http_" + res.statusCode(), res.body(), Optional.empty());
            }
            throw new RelayerApiException(res.statusCode(), err, retryAfter(res));
        }
        return CODEC.<T>fromJson(res.body(), type);
    }

    /** A {@code Retry-After} in seconds; the HTTP-date form, which the relayer never sends, is ignored. */
    private static Optional<Duration> retryAfter(HttpResponse<String> res) {
        return res.headers().firstValue("Retry-After").filter(v -> v.trim().matches("[0-9]{1,9}"))
                .map(v -> Duration.ofSeconds(Long.parseLong(v.trim())));
    }

    private static String encode(String s) {
        if (s == null || s.isBlank()) {
            throw new InvalidFieldException("task_id", "non-empty text", s);
        }
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Releases nothing the caller did not give it: the escrow stays open (it is the caller's). Idempotent. */
    @Override
    public void close() {
        // the JDK HttpClient needs no closing on Java 17; the escrow belongs to the caller
    }

    @Override
    public String toString() {
        return "SmainerClient[relayer=" + base + ", account=" + escrow.caller() + ", apiKey=" + apiKey.map(k -> "****")
                .orElse("(none)") + "]";
    }

    /** Builds a {@link SmainerClient}. */
    public static final class Builder {
        private URI relayer;
        private Escrow escrow;
        private KeyPair keyPair;
        private AccountSigner signer;
        private SealKeyPair sealKeys;
        private ChainId chainId;
        private Clock clock = Clock.systemUTC();
        private StarkCrypto crypto = StarkCrypto.defaultCrypto();
        private HttpClient http;
        private Optional<String> apiKey = Optional.empty();
        private Duration validity = DEFAULT_REQUEST_VALIDITY;
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder() {
        }

        /**
         * @param relayer the relayer's base URL, e.g. {@code http://127.0.0.1:8000}
         * @return this
         */
        public Builder relayer(URI relayer) {
            this.relayer = relayer;
            return this;
        }

        /**
         * @param escrow the escrow as the demander's account (it funds escrows; its caller signs requests)
         * @return this
         */
        public Builder escrow(Escrow escrow) {
            this.escrow = escrow;
            return this;
        }

        /**
         * @param keyPair the demander's Stark key, whose public key the relayer knows for the account (or the
         *     account reports, or accepts through SNIP-6); requests are signed {@code [r, s]} with it unless a
         *     {@link #signer} is given, and the sealing keys derive from it
         * @return this
         */
        public Builder keyPair(KeyPair keyPair) {
            this.keyPair = keyPair;
            return this;
        }

        /**
         * Signs requests and reads through the account's own scheme, for accounts whose signatures are not one
         * Stark {@code (r, s)}: an Argent account with a guardian, a Braavos hardware signer, a multisig. The
         * relayer asks such an account's SNIP-6 {@code is_valid_signature} about each request (on Starknet).
         *
         * @param signer returns the felts the account accepts; default {@code [r, s]} by the {@link #keyPair}
         * @return this
         */
        public Builder signer(AccountSigner signer) {
            this.signer = signer;
            return this;
        }

        /**
         * @param sealKeys the X25519 key pair sealed jobs name as reply-to and sealed results open with (default:
         *     derived from the {@link #keyPair}; a client with only a {@link #signer} needs it to seal)
         * @return this
         */
        public Builder sealKeys(SealKeyPair sealKeys) {
            this.sealKeys = sealKeys;
            return this;
        }

        /**
         * @param chainId the chain the relayer settles on (part of the signed domain); default the escrow's
         *     ({@link Escrow#chainId()}: the ledger's, or the one the Starknet node reported), and refused when it
         *     is not that
         * @return this
         */
        public Builder chainId(ChainId chainId) {
            this.chainId = chainId;
            return this;
        }

        /**
         * @param clock the time request expiries are set by
         * @return this
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * @param crypto the signing implementation
         * @return this
         */
        public Builder crypto(StarkCrypto crypto) {
            this.crypto = crypto;
            return this;
        }

        /**
         * @param http a JDK HTTP client to share (default: a new one)
         * @return this
         */
        public Builder httpClient(HttpClient http) {
            this.http = http;
            return this;
        }

        /**
         * @param apiKey the operator-issued API key, when the relayer requires one
         * @return this
         */
        public Builder apiKey(String apiKey) {
            this.apiKey = Optional.of(Require.text("api_key", apiKey, 512));
            return this;
        }

        /**
         * @param validity how long a signed request stays valid (default 5 minutes)
         * @return this
         */
        public Builder requestValidity(Duration validity) {
            this.validity = validity;
            return this;
        }

        /**
         * @param timeout the longest one HTTP call may take (default 30 s)
         * @return this
         */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** @return the client */
        public SmainerClient build() {
            return new SmainerClient(this);
        }
    }
}
