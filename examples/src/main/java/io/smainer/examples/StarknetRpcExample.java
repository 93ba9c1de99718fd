package io.smainer.examples;

import io.smainer.InvalidFieldException;
import io.smainer.SmainerException;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.escrow.EscrowTask;
import io.smainer.escrow.StarknetEscrow;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.FeeMath;
import io.smainer.fee.Quote;
import io.smainer.fee.Tier;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Example: talk to the deployed SmainerContract through a real Starknet JSON-RPC node. Read-only: it
 * sends no transaction and spends nothing.
 *
 * <pre>
 * export SMAINER_RPC_URL=https://your-starknet-node/rpc/v0_10
 * export SMAINER_ACCOUNT_ADDRESS=0x...     # your account contract
 * export SMAINER_PRIVATE_KEY=0x...         # its signing key; never printed
 * export SMAINER_CONTRACT=0x...            # optional: the SmainerContract (default: mainnet's)
 * ./smainer example starknet-rpc
 * </pre>
 *
 * <p>It reads the node's chain id, builds the SDK's {@link StarknetEscrow} client for that chain, and reads
 * the contract: the task count, the latest task, the tier multipliers in force, the account's STRK balance
 * and registry status; then it prices a task at each tier with the on-chain multipliers. The same client
 * is what a demander passes to {@link io.smainer.client.SmainerClient} to pay on Starknet instead of the
 * local ledger, and what a relayer settles with.
 *
 * <p>Not run in CI (it needs a node and an account). Without the environment it says what to set and
 * exits with status 2. Its integration test runs it against the SDK's Starknet JSON-RPC test double.
 */
public final class StarknetRpcExample {
    /** The node's JSON-RPC endpoint. */
    public static final String RPC_URL = "SMAINER_RPC_URL";
    /** The account contract's address. */
    public static final String ACCOUNT_ADDRESS = "SMAINER_ACCOUNT_ADDRESS";
    /** The account's private key: read, never printed or logged. */
    public static final String PRIVATE_KEY = "SMAINER_PRIVATE_KEY";
    /** Optional: the SmainerContract address. */
    public static final String CONTRACT = "SMAINER_CONTRACT";
    /** The base price the quotes are for. */
    static final TokenAmount BASE_PRICE = TokenAmount.parseStrk("0.1");

    private StarknetRpcExample() {
    }

    /**
     * @param args none; the settings come from the environment
     */
    public static void main(String[] args) {
        System.exit(run(System.getenv(), System.out, System.err));
    }

    /**
     * @param env the environment (the SDK itself never reads it; an application passes what it read)
     * @param out where to print the readings
     * @param err where to print what is wrong
     * @return 0 when everything was read, 2 when the environment is missing or bad, 1 when the node failed
     */
    public static int run(Map<String, String> env, PrintStream out, PrintStream err) {
        // 1. The settings, all problems at once; the private key is never echoed.
        List<String> problems = new ArrayList<>();
        Optional<Settings> settings = Settings.read(env, problems);
        if (settings.isEmpty()) {
            printWhatToSet("starknet-rpc", problems, err);
            return 2;
        }
        Settings s = settings.get();
        try {
            // 2. The chain id, straight from the node (starknet_chainId). The client checks it again.
            ChainId chainId = readChainId(s.rpcUrl());
            out.println("node      " + s.rpcUrl() + " is on chain " + chainId);
            if (s.contract().isEmpty() && !chainId.equals(ChainId.MAINNET)) {
                out.println("          (no " + CONTRACT + " set: using mainnet's contract address on " + chainId + ")");
            }
            // 3. The escrow client (see connect below): the account, the contract, the chain.
            try (StarknetEscrow escrow = connect(s, chainId)) {
                readContract(s, escrow, out);
            }
            return 0;
        } catch (SmainerException e) {
            err.println("starknet-rpc: " + e.getMessage());
            return 1;
        }
    }

    private static void readContract(Settings s, StarknetEscrow escrow, PrintStream out) {
        out.println("contract  " + escrow.contract().hex() + (escrow.isPaused() ? " (PAUSED)" : ""));

        // 4. Reads: how many tasks the contract has seen, and the latest one (ids start at 1).
        U256 count = escrow.taskCount();
        out.println("tasks     " + count + " created so far");
        if (count.value().signum() > 0) {
            Optional<EscrowTask> latest = escrow.getTask(count);
            latest.ifPresent(t -> out.println("latest    task " + t.id() + ": " + t.status() + ", "
                    + t.amount().toStrkString() + " escrowed by " + t.creator().hex() + " at tier "
                    + t.requiredTier().wireName() + " (base " + t.baseReward().toStrkString() + ")"));
        }
        out.println("account   " + s.account().hex() + ": " + escrow.balanceOf(s.account()).toStrkString()
                + ", registry status " + escrow.nodeStatus(s.account()));

        // 5. Quotes at the multipliers in force on chain (the owner may change them).
        out.println("quote     a base price of " + BASE_PRICE.toStrkString() + ":");
        for (Tier tier : Tier.values()) {
            BasisPoints multiplier = escrow.tierMultiplier(tier);
            Quote q = FeeMath.quote(BASE_PRICE, tier, multiplier);
            out.printf("          %-8s x%-6s escrow %-14s provider %-14s treasury %s%n", tier.wireName(),
                    multiplier.value() / 10_000.0, q.escrow().toStrkString(), q.provider().toStrkString(),
                    q.treasury().toStrkString());
        }
    }

    /**
     * The settings this example (and {@code submit-task --relayer}) reads from the environment.
     *
     * @param rpcUrl the node's JSON-RPC endpoint
     * @param account the account contract
     * @param privateKey its signing key; {@link #toString()} hides it
     * @param contract the SmainerContract, when not mainnet's
     */
    public record Settings(URI rpcUrl, ContractAddress account, Felt privateKey, Optional<ContractAddress> contract) {
        /**
         * @param env the environment
         * @param problems where to add what is missing or malformed
         * @return the settings, when nothing was wrong
         */
        public static Optional<Settings> read(Map<String, String> env, List<String> problems) {
            int before = problems.size();
            Optional<URI> rpcUrl = setting(env, RPC_URL, problems, URI::create, "an http(s) URL");
            Optional<ContractAddress> account = setting(env, ACCOUNT_ADDRESS, problems, ContractAddress::parse,
                    "a 0x-prefixed account address");
            Optional<Felt> privateKey = secret(env, problems);
            Optional<ContractAddress> contract = Optional.ofNullable(env.get(CONTRACT)).filter(v -> !v.isBlank())
                    .flatMap(v -> parse(CONTRACT, v, ContractAddress::parse, "a 0x-prefixed contract address", problems));
            if (problems.size() > before) {
                return Optional.empty();
            }
            return Optional.of(new Settings(rpcUrl.orElseThrow(), account.orElseThrow(), privateKey.orElseThrow(), contract));
        }

        @Override
        public String toString() {
            return "Settings[rpcUrl=" + rpcUrl + ", account=" + account.hex() + ", privateKey=(hidden), contract="
                    + contract.map(ContractAddress::hex).orElse("(mainnet's)") + "]";
        }
    }

    /**
     * Says which variables to set and what is wrong with them now.
     *
     * @param who the example, for the first line
     * @param problems what {@link Settings#read} found
     * @param err where to print
     */
    public static void printWhatToSet(String who, List<String> problems, PrintStream err) {
        err.println(who + ": this example talks to a real Starknet node; set these environment variables:");
        err.println("  " + RPC_URL + "            the node's JSON-RPC URL, e.g. https://starknet-mainnet.example/rpc/v0_10");
        err.println("  " + ACCOUNT_ADDRESS + "    your account contract's address (0x...)");
        err.println("  " + PRIVATE_KEY + "        its private key (0x...); read from the environment, never printed");
        err.println("  " + CONTRACT + "           optional: the SmainerContract (default " + StarknetEscrow.DEFAULT_CONTRACT.hex()
                + ", mainnet)");
        err.println("What is wrong now:");
        problems.forEach(p -> err.println("  - " + p));
    }

    /**
     * Builds the escrow client: one account, one contract, the chain the node must be on.
     *
     * @param s the settings
     * @param chainId the chain, as {@link #readChainId} read it
     * @return the client, acting as the settings' account
     * @throws SmainerException when the node cannot be reached, is on another chain, or a setting is refused
     */
    public static StarknetEscrow connect(Settings s, ChainId chainId) {
        return StarknetEscrow.builder()
                .rpcUrl(s.rpcUrl())
                .account(s.account())
                .privateKey(s.privateKey())
                .contract(s.contract().orElse(StarknetEscrow.DEFAULT_CONTRACT))
                .chainId(chainId)
                .build();
    }

    /**
     * Asks the node for its chain id with one JSON-RPC call.
     *
     * @param rpcUrl the node
     * @return the chain id, e.g. {@code SN_MAIN}
     */
    static ChainId readChainId(URI rpcUrl) {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"starknet_chainId\",\"params\":[]}";
        HttpRequest request = HttpRequest.newBuilder(rpcUrl).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        String answer;
        try {
            answer = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new SmainerException("the node at " + rpcUrl + " could not be reached: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SmainerException("interrupted while asking " + rpcUrl + " for its chain id", e);
        }
        Matcher m = Pattern.compile("\"result\"\\s*:\\s*\"(0x[0-9a-fA-F]+)\"").matcher(answer);
        if (!m.find()) {
            throw new SmainerException("starknet_chainId: expected {\"result\": \"0x...\"} from " + rpcUrl + ", got "
                    + (answer.length() > 200 ? answer.substring(0, 200) + "..." : answer));
        }
        return ChainId.fromFelt(Felt.parse(m.group(1)));
    }

    private static <T> Optional<T> setting(Map<String, String> env, String name, List<String> problems,
            Function<String, T> parser, String expected) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            problems.add(name + " is not set");
            return Optional.empty();
        }
        return parse(name, value.trim(), parser, expected, problems);
    }

    private static <T> Optional<T> parse(String name, String value, Function<String, T> parser,
            String expected, List<String> problems) {
        try {
            T parsed = parser.apply(value.trim());
            if (parsed instanceof URI uri && !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException();
            }
            return Optional.of(parsed);
        } catch (IllegalArgumentException | InvalidFieldException e) {
            problems.add(name + ": expected " + expected + ", got '" + value + "'");
            return Optional.empty();
        }
    }

    /** The private key: its value appears in no message, whatever is wrong with it. */
    private static Optional<Felt> secret(Map<String, String> env, List<String> problems) {
        String value = env.get(PRIVATE_KEY);
        if (value == null || value.isBlank()) {
            problems.add(PRIVATE_KEY + " is not set");
            return Optional.empty();
        }
        try {
            Felt key = Felt.parse(value.trim());
            if (key.value().signum() == 0) {
                throw new InvalidFieldException("private_key", "non-zero", "(hidden)");
            }
            return Optional.of(key);
        } catch (InvalidFieldException | IllegalArgumentException e) {
            problems.add(PRIVATE_KEY + ": expected a non-zero 0x-prefixed hex number (the value is not shown)");
            return Optional.empty();
        }
    }
}
