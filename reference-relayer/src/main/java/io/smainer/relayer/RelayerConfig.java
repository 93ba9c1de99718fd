package io.smainer.relayer;

import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.config.ConfigException;
import io.smainer.config.Settings;
import io.smainer.fee.EffortPricing;
import io.smainer.relayer.http.ClientAddresses;
import io.smainer.relayer.staking.StakingSettings;
import io.smainer.relayer.store.JournaledStore;
import io.smainer.relayer.store.Retention;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The relayer's settings. Built from defaults, then an optional properties file, then {@code SMAINER_*}
 * environment variables (the key upper-cased, dots to underscores: {@code settlement.batch_size} is
 * {@code SMAINER_SETTLEMENT_BATCH_SIZE}), read by the SDK's shared {@link Settings} reader (the one the
 * reference provider uses); validated once, every problem reported together. There is no default secret:
 * API keys and webhook secrets exist only when configured, and {@link #toString()} masks them; the
 * settlement account's keystore passphrase is no setting at all ({@value Settings#PASSPHRASE_ENV} or a
 * prompt, see {@link Main}).
 *
 * @param name this relayer's name (in the login challenge, logs and node records)
 * @param host the interface to bind
 * @param port the port; {@link #DEFAULT_PORT} falls back to {@link #FALLBACK_PORT} when taken; 0 picks one
 * @param chainId the chain settled on (part of every signed domain)
 * @param allowedTokens ERC-20s an escrow may hold
 * @param heartbeat how often providers heartbeat
 * @param offlineAfter silence after which a provider is offline
 * @param challengeTtl how long a login challenge is valid
 * @param maxAttempts assignments per task before it fails
 * @param deadlineGrace added to a job's timeout for the result to travel
 * @param batchSize the most settlements in one transaction
 * @param batchDelay the longest a completed task waits for its batch
 * @param maxBodyBytes the largest REST body
 * @param maxFrameBytes the largest WebSocket message
 * @param ratePerSecond requests per second per API client, demander address or remote address
 * @param rateBurst the burst allowed above the rate
 * @param apiKeys client id to API key; when any is set, POST /tasks needs one
 * @param webhookSecrets client id (API client id, or demander address) to webhook signing secret
 * @param demanderKeys demander account to the Stark public key its request signatures are checked against
 * @param minBase the least base price an escrow must cover, per job kind ({@code *} for any)
 * @param effortBase the base price of effort pricing
 * @param webhookAttempts deliveries tried per webhook
 * @param webhookBackoff the first retry delay (doubling after)
 * @param redisUri the Redis that holds the state ({@code redis://host:port/db}, a password in the URI is a
 *     secret and masked); empty for the in-memory store (one relayer, nothing survives a restart)
 * @param redisPrefix the key prefix in Redis; relayers that share tasks use the same one
 * @param leaseTtl how long the settlement leader's lease holds without renewal (a dead leader is replaced
 *     within about this long; it must exceed the slowest settlement transaction)
 * @param localChainPort with the local network's in-process ledger ({@link Main}): the loopback port on which
 *     the ledger is served as a Starknet JSON-RPC node for other processes (providers, demanders), -1 for none
 * @param localAccountsFile with the local chain: where the local network's development accounts (addresses
 *     and private keys, like a devnet's predeployed accounts) are written, owner-only
 * @param chain what the relayer settles on: the local network's in-process ledger, or Starknet
 * @param rpcUrl with {@link ChainMode#STARKNET}: the Starknet JSON-RPC endpoint (required there)
 * @param contract with {@link ChainMode#STARKNET}: the escrow contract (SmainerContract) address
 * @param keystore with {@link ChainMode#STARKNET}: the encrypted keystore of the settlement account (required
 *     there); the account must be the contract's relayer
 * @param receiptTimeout with {@link ChainMode#STARKNET}: how long a settlement waits for its receipt
 * @param pollInterval with {@link ChainMode#STARKNET}: how often it asks for the receipt
 * @param ipRatePerSecond {@code POST /tasks} without an API key: requests per second per client address, counted
 *     before the request is read or any chain is asked; 0 for no such limit
 * @param ipRateBurst the burst allowed above {@code ipRatePerSecond}
 * @param trustedProxies reverse proxies (IP addresses or CIDR blocks) whose {@code X-Forwarded-For} names the
 *     client address; empty (the default): the TCP peer is the client and the header is ignored
 * @param accountCheckTimeout with {@link ChainMode#STARKNET}: the limit of each JSON-RPC request that asks a
 *     demander's account about its key or a signature (past it: 503 {@code account_check_unavailable})
 * @param accountChecksInFlight with {@link ChainMode#STARKNET}: account checks waiting on the chain at once at
 *     most; a request past it is answered 503 {@code account_check_unavailable} at once
 * @param finishedRetention how long a finished (SETTLED or FAILED) task stays readable at least, unless
 *     {@code maxFinishedTasks} pushes it out ({@link Retention})
 * @param maxFinishedTasks the most finished tasks the store keeps; the oldest-finished go first
 * @param maxFinishedBytes the most payload and result bytes of finished tasks the store keeps; the oldest-finished
 *     go first ({@link Retention#maxFinishedBytes()})
 * @param maxQueuedBytes the most payload and result bytes the tasks not finished may hold; a {@code POST /tasks}
 *     that would take them past it is refused with 503 {@code relayer_busy} before anything is stored
 * @param journal where the in-memory store journals its tasks ({@code store.journal}, {@link JournaledStore}), so a
 *     restart keeps them; empty for none. Unset, it is {@code .smainer-local/<name>-<port>.journal} for a relayer
 *     settling on Starknet on a fixed port without Redis, and none otherwise: with Redis, on port 0 (a throwaway
 *     relayer, as tests start), or with {@code chain=local} (the in-process chain forgets its escrows with the
 *     process, so a journal of tasks on them would outlive what backs them); {@code none} turns it off
 * @param staking the staking policy's {@code staking.*} settings (off by default)
 * @param trust the trust boundary's settings: readers, webhook destinations, bytes in flight, unmatched tasks,
 *     provider logins ({@link TrustLimits})
 */
public record RelayerConfig(String name, String host, int port, ChainId chainId, Set<ContractAddress> allowedTokens,
        Duration heartbeat, Duration offlineAfter, Duration challengeTtl, int maxAttempts, Duration deadlineGrace,
        int batchSize, Duration batchDelay, int maxBodyBytes, int maxFrameBytes, int ratePerSecond, int rateBurst,
        Map<String, String> apiKeys, Map<String, String> webhookSecrets, Map<ContractAddress, Felt> demanderKeys,
        Map<String, TokenAmount> minBase, TokenAmount effortBase, int webhookAttempts, Duration webhookBackoff,
        Optional<String> redisUri, String redisPrefix, Duration leaseTtl, int localChainPort, Path localAccountsFile,
        ChainMode chain, Optional<URI> rpcUrl, ContractAddress contract, Optional<Path> keystore, Duration receiptTimeout,
        Duration pollInterval, int ipRatePerSecond, int ipRateBurst, List<String> trustedProxies,
        Duration accountCheckTimeout, int accountChecksInFlight, Duration finishedRetention, int maxFinishedTasks,
        long maxFinishedBytes, long maxQueuedBytes, Optional<Path> journal, StakingSettings staking,
        TrustLimits trust) {

    /** The interface bound unless {@code host} says otherwise: loopback, so nothing is served to the network by default. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The deployed relayer's port. */
    public static final int DEFAULT_PORT = 8000;
    /** Where an operator moves it when 8000 is taken. */
    public static final int FALLBACK_PORT = 8001;
    /** The local chain's default port (starknet-devnet's). */
    public static final int DEFAULT_LOCAL_CHAIN_PORT = 5050;
    /** Where the default {@code store.journal} goes. */
    public static final Path DEFAULT_JOURNAL_DIR = Path.of(".smainer-local");
    /** Where the local network's development accounts are written by default. */
    public static final Path DEFAULT_LOCAL_ACCOUNTS_FILE = Path.of(".smainer-local", "accounts.json");
    /**
     * {@code limits.ip_rate_per_second}: task submissions a second from one client address without an API key.
     * Five times the per-address rate, so one host submitting for several demanders at hundreds of tasks a
     * second is not held back, while one address can no longer spend the chain's RPC quota without bound by
     * naming a new demander in every request.
     */
    public static final int DEFAULT_IP_RATE_PER_SECOND = 1000;
    /** {@code limits.ip_rate_burst}. */
    public static final int DEFAULT_IP_RATE_BURST = 2000;
    /**
     * {@code starknet.account_check_timeout_millis}: a node that answers a {@code starknet_call} in more than a
     * few seconds is in trouble; the demander is told to try again (503) rather than held for the client's
     * 30 s request limit.
     */
    public static final Duration DEFAULT_ACCOUNT_CHECK_TIMEOUT = Duration.ofSeconds(3);
    /**
     * {@code starknet.account_checks_in_flight}: with a healthy node (tens of ms a call) this passes thousands of
     * checks a second; with a hung one it keeps all but this many of the 200 HTTP threads free.
     */
    public static final int DEFAULT_ACCOUNT_CHECKS_IN_FLIGHT = 64;
    /**
     * {@code limits.max_queued_bytes}: 256 MiB of payloads (and results awaiting settlement) of the tasks not
     * finished. Without it 128 pending tasks of 8 MiB, each behind an escrow of the minimum price, would take a
     * 1 GiB heap.
     */
    public static final long DEFAULT_MAX_QUEUED_BYTES = 256L << 20;
    /** The least {@code limits.max_queued_bytes} (and it must be at least {@code limits.max_body_bytes}). */
    public static final long MIN_QUEUED_BYTES = 1L << 20;
    /** The most {@code limits.max_queued_bytes}: 1 TiB. */
    public static final long MAX_QUEUED_BYTES = 1L << 40;
    /** Prefix of the environment variables read. */
    public static final String ENV_PREFIX = Settings.ENV_PREFIX;

    /** What the relayer settles on. */
    public enum ChainMode {
        /**
         * The local network: an in-process ledger, served to other processes as a local Starknet JSON-RPC test
         * node with development accounts (demonstrations, the dashboard, {@code ./smainer submit}).
         */
        LOCAL,
        /** Starknet through a JSON-RPC endpoint, settling from an account whose key is in a keystore. */
        STARKNET
    }

    /** Copies the collections. */
    public RelayerConfig {
        allowedTokens = Set.copyOf(allowedTokens);
        apiKeys = Map.copyOf(apiKeys);
        webhookSecrets = Map.copyOf(webhookSecrets);
        demanderKeys = Map.copyOf(demanderKeys);
        minBase = Map.copyOf(minBase);
        trustedProxies = List.copyOf(trustedProxies);
        redisUri = redisUri == null ? Optional.empty() : redisUri;
        rpcUrl = rpcUrl == null ? Optional.empty() : rpcUrl;
        keystore = keystore == null ? Optional.empty() : keystore;
        journal = journal == null ? Optional.empty() : journal;
    }

    /** @return the defaults, no file, no environment */
    public static RelayerConfig defaults() {
        return load(Map.of());
    }

    /**
     * Reads the optional file, then the environment, and validates.
     *
     * @param file a properties file, if any (else {@value Settings#CONFIG_ENV} names one)
     * @param env the environment; only {@code SMAINER_*} entries that name a setting are read (others belong
     *     to the provider or the examples, and {@value Settings#PASSPHRASE_ENV} is no setting)
     * @return the config
     * @throws ConfigException listing every problem
     */
    public static RelayerConfig load(Optional<Path> file, Map<String, String> env) {
        return parse(SCHEMA.load(file, env));
    }

    /**
     * Validates settings given as {@code key=value} (the properties file's keys).
     *
     * @param settings the settings
     * @return the config
     * @throws ConfigException listing every problem
     */
    public static RelayerConfig load(Map<String, String> settings) {
        return parse(SCHEMA.read(settings));
    }

    private static final List<String> KNOWN = keys("name", "host", "port", "chain_id", "allowed_tokens",
            "heartbeat_seconds", "offline_after_seconds", "challenge_seconds", "max_attempts", "deadline_grace_seconds",
            "settlement.batch_size", "settlement.max_delay_millis", "limits.max_body_bytes", "limits.max_frame_bytes",
            "limits.rate_per_second", "limits.rate_burst", "limits.ip_rate_per_second", "limits.ip_rate_burst",
            "limits.trusted_proxies", "api_keys", "webhook_secrets", "demander_keys", "price.min_base",
            "price.effort_base", "webhook.max_attempts", "webhook.initial_backoff_millis", "redis.uri", "redis.prefix",
            "settlement.lease_millis", "local_chain.port", "local_chain.accounts_file", "chain", "rpc_url",
            "contract_address", "keystore", "starknet.receipt_timeout_seconds", "starknet.poll_millis",
            "starknet.account_check_timeout_millis", "starknet.account_checks_in_flight",
            "store.finished_retention_seconds", "store.max_finished_tasks", "store.max_finished_bytes",
            "limits.max_queued_bytes", "store.journal", "operator_clients", "webhook.allow_private_addresses",
            "limits.body_bytes_in_flight", "limits.body_bytes_in_flight_per_address", "limits.body_read_timeout_millis",
            "limits.max_unmatched_per_demander", "limits.max_unmatched_tasks", "scheduler.escrow_check_millis",
            "limits.ws_logins_per_second", "limits.ws_login_burst", "limits.ws_frame_bytes_before_login",
            StakingSettings.KEYS);
    private static List<String> keys(Object... keysAndLists) {
        List<String> out = new ArrayList<>();
        for (Object k : keysAndLists) {
            if (k instanceof List<?> l) {
                l.forEach(x -> out.add((String) x));
            } else {
                out.add((String) k);
            }
        }
        return List.copyOf(out);
    }

    /** Settings named by a prefix: {@code price.min_base.<kind>}. */
    private static final String MIN_BASE_PREFIX = "price.min_base.";
    /** The schema: every setting, the environment's spelling, and which values are never echoed. */
    private static final Settings SCHEMA = Settings.builder().keys(KNOWN).prefix(MIN_BASE_PREFIX)
            .hidden("api_keys", "webhook_secrets", "redis.uri").masked("rpc_url", Settings::maskUrl).build();

    /** @return every setting, in the order {@code --help} lists them */
    public static List<String> settings() {
        return KNOWN;
    }

    private static RelayerConfig parse(Settings.Reader r) {
        String name = r.get("name", "relayer-1", v -> {
            if (!v.matches("[A-Za-z0-9_.-]{1,31}")) {
                throw new IllegalArgumentException("1 to 31 letters, digits, '.', '_' or '-'");
            }
            return v;
        });
        String host = r.get("host", DEFAULT_HOST, v -> v);
        int port = r.get("port", DEFAULT_PORT, Settings.intIn(0, 65535));
        ChainId chainId = r.get("chain_id", ChainId.LOCAL, ChainId::new);
        Set<ContractAddress> tokens = r.get("allowed_tokens", Set.of(ContractAddress.STRK_TOKEN), v -> {
            Set<ContractAddress> out = new LinkedHashSet<>();
            for (String t : v.split(",")) {
                out.add(ContractAddress.parse(t.trim()));
            }
            return out;
        });
        Duration heartbeat = Duration.ofSeconds(r.get("heartbeat_seconds", 30, Settings.intIn(1, 3600)));
        Duration offline = Duration.ofSeconds(r.get("offline_after_seconds", 90, Settings.intIn(2, 86_400)));
        if (offline.compareTo(heartbeat) <= 0) {
            r.problem("offline_after_seconds: expected more than heartbeat_seconds (" + heartbeat.toSeconds() + "), got "
                    + offline.toSeconds());
        }
        Duration challenge = Duration.ofSeconds(r.get("challenge_seconds", 60, Settings.intIn(5, 3600)));
        int attempts = r.get("max_attempts", 3, Settings.intIn(1, 100));
        Duration grace = Duration.ofSeconds(r.get("deadline_grace_seconds", 10, Settings.intIn(0, 3600)));
        int batch = r.get("settlement.batch_size", 50, Settings.intIn(1, 1000));
        Duration delay = Duration.ofMillis(r.get("settlement.max_delay_millis", 2000, Settings.intIn(0, 600_000)));
        int body = r.get("limits.max_body_bytes", 8 << 20, Settings.intIn(1024, 1 << 30));
        int frame = r.get("limits.max_frame_bytes", 16 << 20, Settings.intIn(1024, 1 << 30));
        int rate = r.get("limits.rate_per_second", 200, Settings.intIn(1, 1_000_000));
        int burst = r.get("limits.rate_burst", 400, Settings.intIn(1, 10_000_000));
        int ipRate = r.get("limits.ip_rate_per_second", DEFAULT_IP_RATE_PER_SECOND, Settings.intIn(0, 1_000_000));
        int ipBurst = r.get("limits.ip_rate_burst", DEFAULT_IP_RATE_BURST, Settings.intIn(1, 10_000_000));
        List<String> proxies = r.get("limits.trusted_proxies", List.of(), v -> {
            List<String> out = v.isBlank() ? List.of() : Arrays.stream(v.split(",")).map(String::trim).toList();
            ClientAddresses.trusting(out); // validates
            return out;
        });
        Map<String, String> apiKeys = r.get("api_keys", Map.of(), v -> pairs(v, k -> k, key -> {
            if (key.length() < 16) {
                throw new IllegalArgumentException("API keys of at least 16 characters");
            }
            return key;
        }));
        Map<String, String> secrets = r.get("webhook_secrets", Map.of(), v -> pairs(v, k -> k, key -> {
            if (key.length() < 16) {
                throw new IllegalArgumentException("webhook secrets of at least 16 characters");
            }
            return key;
        }));
        Map<ContractAddress, Felt> demanders = r.get("demander_keys", Map.of(),
                v -> pairs(v, ContractAddress::parse, Felt::parse));
        Map<String, TokenAmount> minBase = new LinkedHashMap<>();
        minBase.put("*", r.get("price.min_base", EffortPricing.BASE_PRICE, v -> TokenAmount.parseBaseUnits("price.min_base", v)));
        for (String k : r.given()) {
            if (k.startsWith(MIN_BASE_PREFIX)) {
                String kind = k.substring(MIN_BASE_PREFIX.length());
                minBase.put(kind, r.get(k, EffortPricing.BASE_PRICE, v -> TokenAmount.parseBaseUnits(k, v)));
            }
        }
        TokenAmount effortBase = r.get("price.effort_base", EffortPricing.BASE_PRICE,
                v -> TokenAmount.parseBaseUnits("price.effort_base", v));
        int hookAttempts = r.get("webhook.max_attempts", 6, Settings.intIn(1, 50));
        Duration hookBackoff = Duration.ofMillis(r.get("webhook.initial_backoff_millis", 1000, Settings.intIn(1, 3_600_000)));
        Optional<String> redisUri = r.get("redis.uri", Optional.empty(), v -> {
            if (v.isBlank()) {
                return Optional.empty();
            }
            if (!v.matches("rediss?://\\S+")) {
                throw new IllegalArgumentException("a redis:// or rediss:// URI");
            }
            return Optional.of(v);
        });
        String redisPrefix = r.get("redis.prefix", "smainer:", v -> {
            if (!v.matches("[A-Za-z0-9_.:-]{1,64}")) {
                throw new IllegalArgumentException("1 to 64 letters, digits, '.', '_', ':' or '-'");
            }
            return v;
        });
        Duration leaseTtl = Duration.ofMillis(r.get("settlement.lease_millis", 30_000, Settings.intIn(300, 3_600_000)));
        int localChainPort = r.get("local_chain.port", DEFAULT_LOCAL_CHAIN_PORT, Settings.intIn(-1, 65535));
        Path accountsFile = r.get("local_chain.accounts_file", DEFAULT_LOCAL_ACCOUNTS_FILE, v -> {
            if (v.isBlank()) {
                throw new IllegalArgumentException("a file path");
            }
            return Path.of(v);
        });
        ChainMode chain = r.get("chain", ChainMode.LOCAL, Settings.oneOf(ChainMode.class));
        boolean starknet = chain == ChainMode.STARKNET;
        Optional<URI> rpcUrl = r.get("rpc_url", Optional.empty(), v -> v.isBlank() ? Optional.empty()
                : Optional.of(Settings.httpUrl("an http(s) URL of a Starknet JSON-RPC endpoint").apply(v)));
        ContractAddress contract = r.get("contract_address", ContractAddress.SMAINER_MAINNET, ContractAddress::parse);
        Optional<Path> keystore = r.get("keystore", Optional.empty(), v -> v.isBlank() ? Optional.empty() : Optional.of(Path.of(v)));
        Duration receiptTimeout = Duration.ofSeconds(r.get("starknet.receipt_timeout_seconds", 180, Settings.intIn(1, 3600)));
        Duration pollInterval = Duration.ofMillis(r.get("starknet.poll_millis", 2000, Settings.intIn(10, 60_000)));
        Duration accountCheckTimeout = Duration.ofMillis(r.get("starknet.account_check_timeout_millis",
                (int) DEFAULT_ACCOUNT_CHECK_TIMEOUT.toMillis(), Settings.intIn(50, 600_000)));
        int accountChecks = r.get("starknet.account_checks_in_flight", DEFAULT_ACCOUNT_CHECKS_IN_FLIGHT,
                Settings.intIn(1, 10_000));
        Duration finishedRetention = Duration.ofSeconds(r.get("store.finished_retention_seconds",
                (int) Retention.DEFAULT_FINISHED_FOR.toSeconds(), Settings.intIn(1, 31 * 86_400)));
        int maxFinished = r.get("store.max_finished_tasks", Retention.DEFAULT_MAX_FINISHED, Settings.intIn(1, 100_000_000));
        long maxFinishedBytes = r.get("store.max_finished_bytes", Retention.DEFAULT_MAX_FINISHED_BYTES,
                longIn(Retention.MIN_FINISHED_BYTES, Retention.MAX_FINISHED_BYTES));
        long maxQueuedBytes = r.get("limits.max_queued_bytes", DEFAULT_MAX_QUEUED_BYTES,
                longIn(MIN_QUEUED_BYTES, MAX_QUEUED_BYTES));
        if (maxQueuedBytes < body) {
            r.problem("limits.max_queued_bytes: expected at least limits.max_body_bytes (" + body
                    + "), so that any task the body limit lets in fits, got " + maxQueuedBytes);
        }
        if (starknet) {
            if (!r.has("chain_id")) {
                chainId = ChainId.MAINNET;
            }
            if (rpcUrl.isEmpty() && !r.has("rpc_url")) {
                r.problem("rpc_url: expected an http(s) URL of a Starknet JSON-RPC endpoint with chain=starknet, got nothing");
            }
            if (keystore.isEmpty()) {
                r.problem("keystore: expected the settlement account's keystore file with chain=starknet (create one with "
                        + "'relayer keystore'), got nothing");
            }
            if (receiptTimeout.compareTo(pollInterval) <= 0) {
                r.problem("starknet.receipt_timeout_seconds: expected more than starknet.poll_millis ("
                        + pollInterval.toMillis() + " ms), got " + receiptTimeout.toSeconds());
            }
        }
        Optional<Path> journal = r.get("store.journal", redisUri.isEmpty() && starknet && port != 0
                ? Optional.of(DEFAULT_JOURNAL_DIR.resolve(name + "-" + port + ".journal")) : Optional.<Path>empty(),
                v -> v.equals("none") ? Optional.<Path>empty() : Optional.of(Path.of(v)));
        if (journal.isPresent() && redisUri.isPresent()) {
            r.problem("store.journal: the journal is for the in-memory store; with redis.uri set, Redis keeps the state"
                    + " (set store.journal=none or leave it unset)");
        }
        StakingSettings staking = StakingSettings.parse(r);
        TrustLimits trust = trust(r, apiKeys.keySet(), body);
        r.done();
        return new RelayerConfig(name, host, port, chainId, tokens, heartbeat, offline, challenge, attempts, grace, batch,
                delay, body, frame, rate, burst, apiKeys, secrets, demanders, minBase, effortBase, hookAttempts, hookBackoff,
                redisUri, redisPrefix, leaseTtl, localChainPort, accountsFile, chain, rpcUrl, contract, keystore,
                receiptTimeout, pollInterval, ipRate, ipBurst, proxies, accountCheckTimeout, accountChecks, finishedRetention,
                maxFinished, maxFinishedBytes, maxQueuedBytes, journal, staking, trust);
    }

    private static TrustLimits trust(Settings.Reader r, Set<String> apiClients, int maxBody) {
        Set<String> operators = r.get("operator_clients", Set.of(), v -> {
            Set<String> out = new LinkedHashSet<>();
            for (String c : v.split(",")) {
                if (!c.isBlank()) {
                    out.add(c.trim());
                }
            }
            return out;
        });
        for (String c : operators) {
            if (!apiClients.contains(c)) {
                r.problem("operator_clients: expected API client ids named in api_keys, got " + c);
            }
        }
        boolean privateHooks = r.get("webhook.allow_private_addresses", false, v -> switch (v.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("true or false");
        });
        long inFlight = r.get("limits.body_bytes_in_flight", TrustLimits.DEFAULT_BODY_BYTES_IN_FLIGHT,
                longIn(1L << 20, 1L << 40));
        long perAddress = r.get("limits.body_bytes_in_flight_per_address",
                Math.min(inFlight, TrustLimits.DEFAULT_BODY_BYTES_IN_FLIGHT_PER_ADDRESS), longIn(1024, 1L << 40));
        if (perAddress > inFlight) {
            r.problem("limits.body_bytes_in_flight_per_address: expected at most limits.body_bytes_in_flight (" + inFlight
                    + "), got " + perAddress);
            perAddress = inFlight;
        }
        if (perAddress < maxBody) {
            r.problem("limits.body_bytes_in_flight_per_address: expected at least limits.max_body_bytes (" + maxBody
                    + "), so that one body of the largest size can arrive, got " + perAddress);
        }
        Duration bodyTimeout = Duration.ofMillis(r.get("limits.body_read_timeout_millis",
                (int) TrustLimits.DEFAULT_BODY_READ_TIMEOUT.toMillis(), Settings.intIn(100, 3_600_000)));
        int unmatchedPer = r.get("limits.max_unmatched_per_demander", TrustLimits.DEFAULT_MAX_UNMATCHED_PER_DEMANDER,
                Settings.intIn(0, 1_000_000));
        int unmatched = r.get("limits.max_unmatched_tasks", TrustLimits.DEFAULT_MAX_UNMATCHED_TASKS,
                Settings.intIn(0, 10_000_000));
        Duration escrowCheck = Duration.ofMillis(r.get("scheduler.escrow_check_millis",
                (int) TrustLimits.DEFAULT_ESCROW_CHECK.toMillis(), Settings.intIn(100, 86_400_000)));
        int logins = r.get("limits.ws_logins_per_second", TrustLimits.DEFAULT_WS_LOGINS_PER_SECOND,
                Settings.intIn(1, 1_000_000));
        int loginBurst = r.get("limits.ws_login_burst", TrustLimits.DEFAULT_WS_LOGIN_BURST, Settings.intIn(1, 1_000_000));
        int frameBeforeLogin = r.get("limits.ws_frame_bytes_before_login", TrustLimits.DEFAULT_WS_FRAME_BYTES_BEFORE_LOGIN,
                Settings.intIn(1024, 1 << 30));
        return new TrustLimits(operators, privateHooks, inFlight, perAddress, bodyTimeout, unmatchedPer, unmatched,
                escrowCheck, logins, loginBurst, frameBeforeLogin);
    }

    private static Function<String, Long> longIn(long min, long max) {
        return v -> {
            long l;
            try {
                l = Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("an integer in [" + min + ", " + max + "]");
            }
            if (l < min || l > max) {
                throw new IllegalArgumentException("an integer in [" + min + ", " + max + "]");
            }
            return l;
        };
    }

    private static <K, V> Map<K, V> pairs(String v, Function<String, K> key, Function<String, V> value) {
        Map<K, V> out = new LinkedHashMap<>();
        if (v.isBlank()) {
            return out;
        }
        for (String pair : v.split(",")) {
            int at = pair.indexOf(':');
            if (at <= 0 || at == pair.length() - 1) {
                throw new IllegalArgumentException("comma-separated id:value pairs");
            }
            out.put(key.apply(pair.substring(0, at).trim()), value.apply(pair.substring(at + 1).trim()));
        }
        return out;
    }

    /** @return the store's retention of finished tasks ({@code store.*}) */
    public Retention retention() {
        return new Retention(finishedRetention, maxFinishedTasks, maxFinishedBytes);
    }

    /**
     * @param kind a job kind
     * @return the least base price an escrow for it must cover
     */
    public TokenAmount minBaseFor(String kind) {
        return minBase.getOrDefault(kind, minBase.get("*"));
    }

    /** @return the settings, secrets masked */
    @Override
    public String toString() {
        return "RelayerConfig[" + describeRelayer() + ", " + describeChain() + "]";
    }

    /**
     * @return the settings of the relayer itself, secrets masked: what {@link Relayer#start()} logs (an embedder
     *     that hands the relayer its own escrow starts no chain, so the chain settings are not among them)
     */
    public String describeRelayer() {
        return "name=" + name + ", host=" + host + ", port=" + port + ", chain_id=" + chainId
                + ", allowed_tokens=" + allowedTokens + ", heartbeat=" + heartbeat.toSeconds() + "s, offline_after="
                + offlineAfter.toSeconds() + "s, challenge=" + challengeTtl.toSeconds() + "s, max_attempts=" + maxAttempts
                + ", deadline_grace=" + deadlineGrace.toSeconds() + "s, settlement.batch_size=" + batchSize
                + ", settlement.max_delay=" + batchDelay.toMillis() + "ms, limits.max_body_bytes=" + maxBodyBytes
                + ", limits.max_frame_bytes=" + maxFrameBytes + ", limits.rate=" + ratePerSecond + "/s burst " + rateBurst
                + ", limits.ip_rate=" + (ipRatePerSecond == 0 ? "off" : ipRatePerSecond + "/s burst " + ipRateBurst)
                + ", limits.trusted_proxies=" + (trustedProxies.isEmpty() ? "(none: X-Forwarded-For ignored)" : trustedProxies)
                + ", api_keys=" + masked(apiKeys) + ", webhook_secrets=" + masked(webhookSecrets) + ", demander_keys="
                + demanderKeys.size() + " accounts, price.min_base=" + minBase + ", price.effort_base=" + effortBase
                + ", webhook.max_attempts=" + webhookAttempts + ", webhook.initial_backoff=" + webhookBackoff.toMillis()
                + "ms, redis.uri=" + redisUri.map(RelayerConfig::maskUri).orElse("(none: in-memory store)")
                + ", redis.prefix=" + redisPrefix + ", store.finished_retention=" + finishedRetention.toSeconds()
                + "s, store.max_finished_tasks=" + maxFinishedTasks + ", store.max_finished_bytes=" + maxFinishedBytes
                + ", store.journal=" + journal.map(Path::toString).orElse("none") + ", limits.max_queued_bytes="
                + maxQueuedBytes + ", " + trust + ", settlement.lease=" + leaseTtl.toMillis() + "ms, " + staking;
    }

    /** @return the chain settings the app ({@link RelayerApp}) uses, secrets masked */
    public String describeChain() {
        return "chain=" + chain.name().toLowerCase(Locale.ROOT)
                + (chain == ChainMode.LOCAL ? ", local_chain.port=" + localChainPort + ", local_chain.accounts_file="
                        + localAccountsFile : "")
                + (chain == ChainMode.STARKNET ? ", rpc_url=" + rpcUrl.map(Settings::maskUrl).orElse("(none)")
                        + ", contract_address=" + contract.hex() + ", keystore=" + keystore.map(Path::toString).orElse("(none)")
                        + " (passphrase from " + Settings.PASSPHRASE_ENV + " or a prompt; never shown)"
                        + ", starknet.receipt_timeout=" + receiptTimeout.toSeconds() + "s, starknet.poll=" + pollInterval.toMillis()
                        + "ms, starknet.account_check_timeout=" + accountCheckTimeout.toMillis() + "ms, starknet.account_checks_in_flight="
                        + accountChecksInFlight : "");
    }

    /** Hides a password in {@code redis://user:password@host}. */
    static String maskUri(String uri) {
        return uri.replaceFirst("//([^@/]*:)?[^@/]*@", "//****@");
    }

    private static String masked(Map<String, String> secrets) {
        return secrets.isEmpty() ? "(none)" : secrets.keySet().stream().sorted().map(k -> k + ":****").toList().toString();
    }
}
