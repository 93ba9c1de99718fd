package io.smainer.examples;

import io.smainer.chain.ChainId;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.client.SmainerClient;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowEvent;
import io.smainer.escrow.EventCursor;
import io.smainer.escrow.StarknetEscrow;
import io.smainer.fee.Tier;
import io.smainer.job.CheckResult;
import io.smainer.job.Freivalds;
import io.smainer.job.Jobs;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.testkit.LocalNetwork;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Example: pay for a task, submit it, wait for the result and check it yourself.
 *
 * <pre>
 * ./smainer example submit-task                        # on a local network in this process
 * ./smainer example submit-task --relayer https://...  # on Starknet, through a running relayer (spends STRK)
 * </pre>
 *
 * <p>This is the demander's side of Smainer, start to finish:
 * <ol>
 *   <li>ask the relayer for a <b>quote</b>: what the escrow costs and how it will be split;</li>
 *   <li><b>fund an escrow</b> on chain: ERC-20 {@code approve} and {@code create_tiered_task} in one
 *       transaction, committing to the job's content hash;</li>
 *   <li><b>submit</b> the job to the relayer, signed with the demander's Stark key;</li>
 *   <li><b>await the result</b>: the relayer releases it only after the provider has been paid on chain,
 *       so the demander cannot read the answer and then cancel the escrow for a refund;</li>
 *   <li><b>check the result</b>: for a matrix product, Freivalds' check costs O(n^2) instead of the
 *       product's O(n^3), so a demander can afford to check every answer it buys;</li>
 *   <li>read the <b>settlement</b> from the chain's events: who got what, to the base unit.</li>
 * </ol>
 *
 * <p>Everything runs in this process on a {@link LocalNetwork}: an in-process ledger stands in for
 * Starknet, the reference relayer listens on a loopback port and two provider nodes run jobs on the pure
 * Java runner. Against a real network only the two objects at the top change: the {@link SmainerClient}
 * points at the relayer's URL and pays through a {@link StarknetEscrow} instead of the ledger. That is
 * what {@code --relayer URL} does ({@link #runOnStarknet}), with the account from the same environment
 * variables as {@link StarknetRpcExample} ({@code SMAINER_RPC_URL}, {@code SMAINER_ACCOUNT_ADDRESS},
 * {@code SMAINER_PRIVATE_KEY}, optionally {@code SMAINER_CONTRACT}); the relayer must settle on that chain
 * and know the account's public key ({@code demander_keys}). {@link #submitAndCheck} is the same for both.
 */
public final class SubmitTaskExample {
    /** The base price we offer: 0.1 STRK, the relayer's default minimum for any job kind. */
    static final TokenAmount BASE_PRICE = TokenAmount.parseStrk("0.1");
    /**
     * The tier we ask for. A node serves its own tier and those below it, so every node serves "basic"
     * (multiplier 1.0); "pro" (2.2) and "premium" (3.5) need nodes with bigger GPUs and cost more.
     */
    static final Tier TIER = Tier.BASIC;
    /** The matrices are N x N. */
    static final int N = 128;

    private SubmitTaskExample() {
    }

    /**
     * @param args none
     * @throws Exception when the local network cannot start
     */
    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /**
     * @param args nothing, or {@code --relayer URL}
     * @param env the environment, read only with {@code --relayer}
     * @param out where to print
     * @param err where to print what is wrong
     * @return 0 when the result passed its check, 1 when not, 2 when the settings are missing or bad
     * @throws Exception when the local network cannot start
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0) {
            return run(out).check().passed() ? 0 : 1;
        }
        if (args.length != 2 || !args[0].equals("--relayer") || !args[1].matches("https?://\\S+")) {
            throw new IllegalArgumentException("expected no arguments, or --relayer http(s)://HOST:PORT, got "
                    + String.join(" ", args));
        }
        return runOnStarknet(URI.create(args[1]), env, out, err);
    }

    /**
     * Buys the same matrix product through a running relayer, paying on Starknet.
     *
     * @param relayer the relayer, {@code http(s)://host:port}
     * @param env the account's settings (see {@link StarknetRpcExample.Settings})
     * @param out where to print
     * @param err where to print what is wrong
     * @return 0 when the result passed its check, 1 when not, 2 when the settings are missing or bad
     */
    public static int runOnStarknet(URI relayer, Map<String, String> env, PrintStream out, PrintStream err) {
        List<String> problems = new ArrayList<>();
        Optional<StarknetRpcExample.Settings> settings = StarknetRpcExample.Settings.read(env, problems);
        if (settings.isEmpty()) {
            StarknetRpcExample.printWhatToSet("submit-task --relayer", problems, err);
            return 2;
        }
        StarknetRpcExample.Settings s = settings.get();
        ChainId chainId = StarknetRpcExample.readChainId(s.rpcUrl());
        out.println("Submit a task through " + relayer + ", paying on " + chainId + " from " + s.account().hex());
        out.println();
        // The same client as on the local network; only the escrow and the key change. Here the request
        // key is the account's own key: the relayer must list its public key in demander_keys.
        try (StarknetEscrow escrow = StarknetRpcExample.connect(s, chainId);
                SmainerClient client = SmainerClient.builder()
                        .relayer(relayer)
                        .escrow(escrow)
                        .keyPair(KeyPair.fromPrivateKey(s.privateKey(), StarkCrypto.defaultCrypto()))
                        .chainId(chainId)
                        .build()) {
            return submitAndCheck(client, escrow, out).check().passed() ? 0 : 1;
        }
    }

    /**
     * What the example saw, for its smoke test.
     *
     * @param escrow the funded escrow
     * @param check the demander's own verdict on the result
     * @param settled the chain's record of the payout
     * @param demanderBalance the demander's balance at the end
     */
    public record Outcome(CreatedTask escrow, CheckResult check, EscrowEvent.TaskSettled settled, TokenAmount demanderBalance) {
    }

    /**
     * Starts a local network, then buys one matrix product on it.
     *
     * @param out where to print
     * @return what happened
     * @throws Exception when the local network cannot start
     */
    public static Outcome run(PrintStream out) throws Exception {
        out.println("Submit a task: fund an escrow, submit a matrix product, await it, check it");
        out.println();
        // A local network with two provider nodes on the Java runner. Closing it stops everything.
        QuietLogs.apply();
        try (LocalNetwork net = LocalNetwork.builder().javaProviders(2).build();
                // The demander's client: the relayer's URL, the escrow it pays through (here the ledger,
                // acting as the demander's account), its Stark key (the relayer knows the public half) and
                // the chain id that goes into every signed request.
                SmainerClient client = SmainerClient.builder()
                        .relayer(net.relayerUri())
                        .escrow(net.demanderEscrow())
                        .keyPair(net.demanderKey())
                        .chainId(net.chainId())
                        .build()) {
            out.println("network   relayer " + net.relayerUri() + ", " + net.providers().size() + " providers online, "
                    + net.demanderFunds().toStrkString() + " minted to the demander");
            return submitAndCheck(client, net.demanderEscrow(), out);
        }
    }

    /**
     * The demander's part, the same on any network.
     *
     * @param client a client for the relayer
     * @param escrow the demander's escrow client (the same one the client pays through), to read events
     * @param out where to print
     * @return what happened
     */
    public static Outcome submitAndCheck(SmainerClient client, Escrow escrow, PrintStream out) {
        // 1. The job: C = A * B for two random N x N float32 matrices. Jobs.matmul encodes them as the
        //    wire format says (params m, k, n; payload A then B, little-endian, row-major).
        Random random = new Random(7);
        float[] a = randomMatrix(random);
        float[] b = randomMatrix(random);
        JobSpec job = Jobs.matmul(N, a, b);

        // 2. A quote from the relayer, at the tier multipliers in force on chain. Amounts are exact
        //    integers in base units (1 STRK = 10^18); the fees come out of the escrow, never on top.
        Api.QuoteView quote = client.quote(BASE_PRICE, TIER);
        out.println("quote     base " + BASE_PRICE.toStrkString() + " at tier " + TIER.wireName() + ": escrow "
                + strk(quote.escrow()) + ", of which the provider gets " + strk(quote.provider()) + " and the treasury "
                + strk(quote.treasury()));

        // 3. Fund the escrow: approve + create_tiered_task in one multicall. The on-chain task id that comes
        //    back is the escrow id the relayer will check (creator, token, amount, never used before).
        TokenAmount before = escrow.balanceOf(escrow.caller());
        CreatedTask funded = client.createEscrow(BASE_PRICE, TIER, job);
        out.println("escrow    on-chain task " + funded.escrowId() + " holds " + funded.escrowed().toStrkString()
                + "; the demander's balance went from " + before.toStrkString() + " to "
                + escrow.balanceOf(escrow.caller()).toStrkString());

        // 4. Submit: the client signs (SNIP-12) the escrow id, the job's content hash, a fresh nonce and an
        //    expiry, and POSTs the job. The relayer queues it and pushes it to a provider that fits.
        long t0 = System.nanoTime();
        Api.TaskCreated task = client.submit(funded.escrowId(), job);
        out.println("submitted relayer task " + task.taskId() + " (" + task.status() + ")");

        // 5. Await the result. Behind this call: a provider ran the job, signed a receipt over the result
        //    hash, the relayer checked the receipt against the provider's on-chain key (and, for matmul,
        //    ran Freivalds' check itself), settled on chain, and only then released the result.
        Api.TaskResult result = client.awaitResult(task.taskId(), Duration.ofSeconds(60));
        float[] c = Jobs.readMatmulOutput(job, result.result());
        out.printf("result    %dx%d product after %.0f ms, C[0][0] = %s, result hash %s%n", N, N,
                (System.nanoTime() - t0) / 1e6, c[0], result.resultHash());

        // 6. Check it ourselves. Freivalds multiplies by random sign vectors the provider cannot know (a
        //    SecureRandom): a wrong product passes 20 rounds with probability at most 2^-20. Float products
        //    differ slightly between devices, so each row is compared within a rounding-error bound.
        CheckResult check = Freivalds.create().check(job, result.result());
        out.println("check     Freivalds: " + (check.passed() ? "PASSED, " : "FAILED, ") + check.detail());

        // 7. The payout, as the chain recorded it. Flat settlement: the treasury takes
        //    floor(escrow * 12%), the provider the rest (85% + the 3% gas subsidy + the rounding dust).
        EscrowEvent.TaskSettled settled = settlementOf(escrow, funded.escrowId())
                .orElseThrow(() -> new IllegalStateException("no settlement on chain for task " + funded.escrowId()));
        out.println("settled   in tx " + result.settlementTx() + ": provider " + settled.provider().hex() + " received "
                + settled.providerAmount().toStrkString() + ", the treasury " + settled.treasuryAmount().toStrkString()
                + " (sum " + settled.providerAmount().plus(settled.treasuryAmount()).toStrkString() + " = the escrow)");
        TokenAmount after = escrow.balanceOf(escrow.caller());
        out.println("balance   the demander now holds " + after.toStrkString());
        return new Outcome(funded, check, settled, after);
    }

    /** Reads the chain's events from the start and returns the settlement of one task, if there is one. */
    static Optional<EscrowEvent.TaskSettled> settlementOf(Escrow escrow, U256 taskId) {
        return escrow.eventsAfter(EventCursor.START).stream()
                .filter(e -> e instanceof EscrowEvent.TaskSettled s && s.taskId().equals(taskId))
                .map(EscrowEvent.TaskSettled.class::cast)
                .findFirst();
    }

    private static float[] randomMatrix(Random random) {
        float[] m = new float[N * N];
        for (int i = 0; i < m.length; i++) {
            m[i] = random.nextFloat() * 2 - 1;
        }
        return m;
    }

    private static String strk(String baseUnits) {
        return TokenAmount.parseBaseUnits("amount", baseUnits).toStrkString();
    }
}
