package io.smainer.provider.app;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.config.ConfigException;
import io.smainer.config.Settings;
import io.smainer.escrow.Staking;
import io.smainer.fee.Tier;
import io.smainer.provider.ProviderNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The reference provider's settings: defaults, then an optional properties file, then {@code SMAINER_*}
 * environment variables (the key upper-cased, dots to underscores: {@code status.port} is
 * {@code SMAINER_STATUS_PORT}). Validated once; every problem is reported together. The keystore
 * passphrase is no setting: it comes from {@value #PASSPHRASE_ENV} or a prompt, never from a file and
 * never a default. {@link #toString()} masks what may carry a secret (an RPC URL's path and query).
 *
 * @param relayerUrl the relayer's WebSocket address
 * @param keystore the encrypted key file
 * @param name the node's display name
 * @param concurrency tasks run at once; empty: one per GPU, or one without a GPU
 * @param runner which job runner to use
 * @param tier the tier to advertise; empty: the tier the hardware qualifies for
 * @param statusHost the interface the local status endpoint binds
 * @param statusPort its port; 0 picks one
 * @param ollamaUrl an Ollama-compatible endpoint to serve {@code llm-generate} jobs with, if any
 * @param ollamaTimeout how long one generation may take
 * @param chainId the chain: {@code SMAINER_LOCAL} for the local ledger, {@code SN_MAIN} by default with an RPC URL
 * @param ledgerFile the local network's ledger state, used when no RPC URL is set
 * @param rpcUrl a Starknet JSON-RPC endpoint, if registering on a real network
 * @param contract the escrow contract's address
 * @param closeGrace how long shutdown lets running tasks finish before handing them back
 * @param reconnectMaxDelay the longest wait between reconnect tries
 * @param minEffortBasePrice the lowest effort base price this node works for; an effort task priced below it
 *     is refused (another node may take it); zero accepts any
 * @param stakingContract the SmainerStakingContract {@code stake}, {@code unstake}, {@code withdraw},
 *     {@code appeal} and {@code status} use (default the mainnet one; the local ledger file's own without rpc_url)
 */
public record ProviderConfig(URI relayerUrl, Path keystore, String name, OptionalInt concurrency, RunnerChoice runner,
        Optional<Tier> tier, String statusHost, int statusPort, Optional<URI> ollamaUrl, Duration ollamaTimeout,
        ChainId chainId, Path ledgerFile, Optional<URI> rpcUrl, ContractAddress contract, Duration closeGrace,
        Duration reconnectMaxDelay, TokenAmount minEffortBasePrice, ContractAddress stakingContract) {

    /** Prefix of the environment variables read. */
    public static final String ENV_PREFIX = Settings.ENV_PREFIX;
    /** The environment variable naming a properties file. */
    public static final String CONFIG_ENV = Settings.CONFIG_ENV;
    /** The environment variable holding the keystore passphrase (not a setting; never logged). */
    public static final String PASSPHRASE_ENV = Settings.PASSPHRASE_ENV;
    /** Where a relayer runs unless told otherwise. */
    public static final String DEFAULT_RELAYER_URL = "ws://127.0.0.1:8000/api/v1/ws";
    /** The local status endpoint's port unless told otherwise. */
    public static final int DEFAULT_STATUS_PORT = 9470;

    /** Which job runner {@code run} uses. */
    public enum RunnerChoice {
        /** The GPU runner when a GPU is usable, else the Java runner. */
        AUTO,
        /** The pure-Java runner. */
        JAVA,
        /** The GPU runner; refuse to start without a usable GPU. */
        GPU
    }

    /** Where {@code ./smainer relayer} writes the local network's accounts file (run from the same folder). */
    public static final Path DEFAULT_LOCAL_ACCOUNTS_FILE = Path.of(".smainer-local", "accounts.json");

    /**
     * The local network as its accounts file describes it.
     *
     * @param rpcUrl its JSON-RPC node
     * @param chainId its chain
     * @param contract its escrow contract
     */
    record LocalNetwork(URI rpcUrl, ChainId chainId, ContractAddress contract) {
        static Optional<LocalNetwork> read(Path file) {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            try {
                JsonObject o = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
                return Optional.of(new LocalNetwork(URI.create(o.get("rpc_url").getAsString()),
                        new ChainId(o.get("chain_id").getAsString()),
                        ContractAddress.parse(o.get("escrow_contract").getAsString())));
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("local_accounts_file: " + file + " is not a local network's accounts "
                        + "file (" + e.getMessage() + "); start './smainer relayer' again to rewrite it", e);
            }
        }
    }

    /** Every setting, in the order {@code help} lists them. */
    public static final List<String> KNOWN = List.of("relayer_url", "keystore", "name", "concurrency", "runner", "tier",
            "status.host", "status.port", "ollama.url", "ollama.timeout_seconds", "chain_id", "ledger_file", "rpc_url",
            "local_accounts_file", "contract_address", "close_grace_seconds", "reconnect.max_delay_seconds",
            "price.min_effort_base", "staking_contract");

    /** The schema: every setting, the environment's spelling, and how a bad value is shown. */
    private static final Settings SCHEMA = Settings.builder().keys(KNOWN)
            .masked("rpc_url", Settings::maskUrl).masked("ollama.url", Settings::maskUrl).build();

    /**
     * Reads the optional file, then the environment, and validates.
     *
     * @param file a properties file, if any (else {@value #CONFIG_ENV} names one)
     * @param env the environment; only {@code SMAINER_*} entries that name a setting are read (others belong
     *     to the relayer or the examples, and {@value #PASSPHRASE_ENV} is no setting)
     * @param home the user's home directory, for the default keystore and ledger paths
     * @return the config
     * @throws ConfigException listing every problem
     */
    public static ProviderConfig load(Optional<Path> file, Map<String, String> env, Path home) {
        return parse(SCHEMA.load(file, env), home);
    }

    /**
     * Validates settings given as {@code key=value} (the properties file's keys), with no file or environment.
     *
     * @param settings the settings
     * @param home the user's home directory
     * @return the config
     * @throws ConfigException listing every problem
     */
    public static ProviderConfig of(Map<String, String> settings, Path home) {
        return parse(SCHEMA.read(settings), home);
    }

    private static ProviderConfig parse(Settings.Reader r, Path home) {
        Path smainerHome = home.resolve(".smainer");
        URI relayer = r.get("relayer_url", ProviderNode.relayerWebSocketUri(DEFAULT_RELAYER_URL),
                ProviderNode::relayerWebSocketUri);
        Path keystore = r.get("keystore", smainerHome.resolve("provider.keystore"), Path::of);
        String name = r.get("name", "smainer-provider", v -> {
            if (!v.matches("[A-Za-z0-9_.-]{1,64}")) {
                throw new IllegalArgumentException("1 to 64 letters, digits, '.', '_' or '-'");
            }
            return v;
        });
        OptionalInt concurrency = r.get("concurrency", OptionalInt.empty(),
                v -> v.equalsIgnoreCase("auto") ? OptionalInt.empty() : OptionalInt.of(Settings.intIn(1, 1024).apply(v)));
        RunnerChoice runner = r.get("runner", RunnerChoice.AUTO, Settings.oneOf(RunnerChoice.class));
        Optional<Tier> tier = r.get("tier", Optional.empty(), v -> {
            if (v.equalsIgnoreCase("auto")) {
                return Optional.empty();
            }
            try {
                return Optional.of(Tier.parse(v));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("auto, basic, pro or premium");
            }
        });
        String statusHost = r.get("status.host", "127.0.0.1", v -> {
            if (v.isBlank() || v.contains("/") || v.contains(" ")) {
                throw new IllegalArgumentException("a host name or IP address");
            }
            return v;
        });
        int statusPort = r.get("status.port", DEFAULT_STATUS_PORT, Settings.intIn(0, 65535));
        Optional<URI> ollama = r.get("ollama.url", Optional.empty(), v -> v.isBlank() ? Optional.empty()
                : Optional.of(Settings.httpUrl("an http(s) URL of an Ollama-compatible server, e.g. http://127.0.0.1:11434").apply(v)));
        Duration ollamaTimeout = Duration.ofSeconds(r.get("ollama.timeout_seconds", 300, Settings.intIn(1, 3600)));
        Optional<URI> rpc = r.get("rpc_url", Optional.empty(), v -> v.isBlank() ? Optional.empty()
                : Optional.of(Settings.httpUrl("an http(s) URL of a Starknet JSON-RPC endpoint").apply(v)));
        // without rpc_url: the local network that './smainer relayer' serves, as its accounts file describes it
        Path localAccounts = r.get("local_accounts_file", DEFAULT_LOCAL_ACCOUNTS_FILE, Path::of);
        Optional<LocalNetwork> local = rpc.isPresent() ? Optional.empty() : LocalNetwork.read(localAccounts);
        if (local.isPresent()) {
            rpc = Optional.of(local.get().rpcUrl());
        }
        ChainId chainId = r.get("chain_id", local.map(LocalNetwork::chainId)
                .orElse(rpc.isPresent() ? ChainId.MAINNET : ChainId.LOCAL), ChainId::new);
        Path ledger = r.get("ledger_file", smainerHome.resolve("local-ledger.json"), Path::of);
        ContractAddress contract = r.get("contract_address", local.map(LocalNetwork::contract)
                .orElse(ContractAddress.SMAINER_MAINNET), ContractAddress::parse);
        Duration grace = Duration.ofSeconds(r.get("close_grace_seconds", 30, Settings.intIn(0, 3600)));
        Duration reconnect = Duration.ofSeconds(r.get("reconnect.max_delay_seconds", 30, Settings.intIn(1, 3600)));
        TokenAmount minEffortBase = r.get("price.min_effort_base", ProviderNode.DEFAULT_MIN_EFFORT_BASE_PRICE,
                v -> TokenAmount.parseBaseUnits("price.min_effort_base", v));
        ContractAddress staking = r.get("staking_contract", Staking.MAINNET_CONTRACT, ContractAddress::parse);
        r.done();
        return new ProviderConfig(relayer, keystore, name, concurrency, runner, tier, statusHost, statusPort, ollama,
                ollamaTimeout, chainId, ledger, rpc, contract, grace, reconnect, minEffortBase, staking);
    }

    /** @return the local status endpoint's base URL */
    public String statusUrl() {
        String host = statusHost.equals("0.0.0.0") ? "127.0.0.1" : statusHost;
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + statusPort;
    }

    /** @return the settings with secrets masked, one {@code key=value} per line (for the start-up log) */
    public String describe() {
        return String.join("\n", List.of(
                "relayer_url=" + relayerUrl,
                "keystore=" + keystore,
                "name=" + name,
                "concurrency=" + (concurrency.isPresent() ? String.valueOf(concurrency.getAsInt()) : "auto"),
                "runner=" + runner.name().toLowerCase(Locale.ROOT),
                "tier=" + tier.map(Tier::wireName).orElse("auto"),
                "status.host=" + statusHost,
                "status.port=" + statusPort,
                "ollama.url=" + ollamaUrl.map(ProviderConfig::mask).orElse("(off)"),
                "ollama.timeout_seconds=" + ollamaTimeout.toSeconds(),
                "chain_id=" + chainId,
                "ledger_file=" + ledgerFile,
                "rpc_url=" + rpcUrl.map(ProviderConfig::mask).orElse("(none: local ledger)"),
                "contract_address=" + contract.hex(),
                "staking_contract=" + stakingContract.hex(),
                "close_grace_seconds=" + closeGrace.toSeconds(),
                "reconnect.max_delay_seconds=" + reconnectMaxDelay.toSeconds(),
                "price.min_effort_base=" + minEffortBasePrice.baseUnits() + " (" + minEffortBasePrice.toStrkString() + ")",
                "keystore passphrase=(from " + PASSPHRASE_ENV + " or a prompt; never shown)"));
    }

    /** Hides a URL's user info, path and query: RPC providers put API keys there. */
    static String mask(URI u) {
        return Settings.maskUrl(u);
    }

    @Override
    public String toString() {
        return "ProviderConfig[" + describe().replace("\n", ", ") + "]";
    }
}
