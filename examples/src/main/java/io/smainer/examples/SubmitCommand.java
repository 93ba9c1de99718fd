package io.smainer.examples;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.smainer.InvalidFieldException;
import io.smainer.SmainerException;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.client.SmainerClient;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.EscrowTask;
import io.smainer.escrow.StarknetEscrow;
import io.smainer.fee.FeeMath;
import io.smainer.fee.Quote;
import io.smainer.fee.Tier;
import io.smainer.job.CheckResult;
import io.smainer.job.Jobs;
import io.smainer.job.ResultChecks;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./smainer submit}: a demander in its own process. It reads the local network's development
 * accounts that {@code ./smainer relayer} wrote, funds an escrow on the chain over Starknet JSON-RPC
 * (approve and create_tiered_task in one multicall), submits a signed task to the relayer, waits for the
 * result (released only after settlement) and checks it itself.
 *
 * <pre>
 * ./smainer relayer                 # terminal 1: relayer + local chain + development accounts
 * ./smainer provider ...            # terminal 2: a provider (see examples/README.md)
 * ./smainer submit --kind matmul --n 64 --tier pro --amount 0.1
 * </pre>
 */
@Command(name = "submit", mixinStandardHelpOptions = true, versionProvider = Launcher.Version.class,
        description = "submit a task to a local network started by './smainer relayer' and wait for its checked result")
public final class SubmitCommand implements Callable<Integer> {
    /** Where {@code ./smainer relayer} writes the development accounts by default. */
    public static final Path DEFAULT_ACCOUNTS = Path.of(".smainer-local", "accounts.json");

    private final PrintStream out;
    @Option(names = "--accounts", paramLabel = "FILE", description = "the local network's accounts file "
            + "(default .smainer-local/accounts.json, from the current directory)")
    Path accounts = DEFAULT_ACCOUNTS;
    @Option(names = "--kind", paramLabel = "KIND", description = "matmul or sha256 (default matmul)")
    String kind = "matmul";
    @Option(names = "--n", paramLabel = "N", description = "the matrix side, or the number of messages (default 64)")
    int n = 64;
    @Option(names = "--tier", paramLabel = "TIER", converter = TierConverter.class,
            description = "basic, pro or premium (default basic)")
    Tier tier = Tier.BASIC;
    @Option(names = "--amount", paramLabel = "STRK", converter = Launcher.StrkConverter.class,
            description = "the base price in STRK (default 0.1)")
    TokenAmount base = TokenAmount.parseStrk("0.1");
    @Option(names = "--wait", paramLabel = "SECONDS", description = "how long to wait for the result (default 120)")
    int waitSeconds = 120;
    @Spec
    CommandSpec spec;

    SubmitCommand(PrintStream out) {
        this.out = out;
    }

    /** A tier's wire name. */
    static final class TierConverter implements CommandLine.ITypeConverter<Tier> {
        @Override
        public Tier convert(String value) {
            try {
                return Tier.parse(value);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("expected basic, pro or premium, got '" + value + "'");
            }
        }
    }

    /**
     * Parses and runs, throwing what fails (the launcher runs it through picocli instead).
     *
     * @param args {@code --accounts FILE --kind matmul|sha256 --n N --tier T --amount STRK --wait SECONDS}
     * @param out where to print
     * @return the exit code
     * @throws ParameterException when the arguments are wrong
     */
    public static int run(String[] args, PrintStream out) {
        SubmitCommand command = new SubmitCommand(out);
        new CommandLine(command).parseArgs(args);
        return command.call();
    }

    @Override
    public Integer call() {
        if (n <= 0 || waitSeconds <= 0) {
            throw new ParameterException(spec == null ? new CommandLine(this) : spec.commandLine(),
                    (n <= 0 ? "--n" : "--wait") + ": expected a positive whole number, got " + (n <= 0 ? n : waitSeconds));
        }
        Duration wait = Duration.ofSeconds(waitSeconds);
        JsonObject file = readAccounts(accounts);
        JsonObject demander = demanderOf(file, accounts);
        ContractAddress address = ContractAddress.parse(demander.get("address").getAsString());
        Felt privateKey = Felt.parse(demander.get("private_key").getAsString());
        StarkCrypto crypto = StarkCrypto.defaultCrypto();
        ChainId chainId = new ChainId(file.get("chain_id").getAsString());
        JobSpec job = job(kind, n);
        Quote quote = FeeMath.quote(base, tier);
        out.printf("submitting %s (%d bytes of input) at tier %s: escrow %s (provider %s, treasury %s)%n", job.kind(),
                job.payload().length, tier.wireName(), quote.escrow().toStrkString(), quote.provider().toStrkString(),
                quote.treasury().toStrkString());
        try (StarknetEscrow escrow = StarknetEscrow.builder().rpcUrl(file.get("rpc_url").getAsString()).account(address)
                .privateKey(privateKey).contract(ContractAddress.parse(file.get("escrow_contract").getAsString()))
                .token(ContractAddress.parse(file.get("token").getAsString())).chainId(chainId).crypto(crypto).build();
                SmainerClient client = SmainerClient.builder().relayer(URI.create(file.get("relayer_url").getAsString()))
                        .escrow(escrow).keyPair(KeyPair.fromPrivateKey(privateKey, crypto)).chainId(chainId).crypto(crypto)
                        .build()) {
            long t0 = System.nanoTime();
            CreatedTask funded = client.createEscrow(base, tier, job);
            out.printf("  escrow %s funded with %s (tx %s)%n", funded.escrowId(), funded.escrowed().toStrkString(),
                    funded.tx().hash());
            Api.TaskCreated created = client.submit(funded.escrowId(), job);
            out.printf("  task %s accepted by the relayer; waiting for the result (released after settlement) ...%n",
                    created.taskId());
            Api.TaskResult result;
            try {
                result = client.awaitResult(created.taskId(), wait);
            } catch (SmainerException e) {
                out.printf("  task %s did not settle: %s%n", created.taskId(), e.getMessage());
                out.println("  " + escrowState(escrow, funded));
                return 1;
            }
            CheckResult check = ResultChecks.forKind(job.kind()).map(c -> c.check(job, result.result()))
                    .orElse(CheckResult.pass("no independent check for this kind"));
            out.printf("  result: %d bytes, hash %s, settled in tx %s, %.0f ms after funding%n", result.result().length,
                    result.resultHash(), result.settlementTx(), (System.nanoTime() - t0) / 1e6);
            // the chain's own record: a flat settlement leaves the escrow COMPLETED and emits PayoutReleased
            // (the provider's part) after FeeCollected (the treasury's)
            out.println("  " + escrowState(escrow, funded));
            SubmitTaskExample.settlementOf(escrow, funded.taskId()).ifPresent(settled -> out.printf(
                    "  on chain: provider %s received %s, the treasury %s%n", settled.provider().hex(),
                    settled.providerAmount().toStrkString(), settled.treasuryAmount().toStrkString()));
            out.printf("  check: %s (%s)%n", check.passed() ? "passed" : "FAILED", check.detail());
            out.printf("  demander balance now %s%n", escrow.balanceOf(address).toStrkString());
            return check.passed() ? 0 : 1;
        }
    }

    /** What the chain says of an escrow: paid (COMPLETED flat, SETTLED effort), cancelled, or still refundable. */
    static String escrowState(Escrow escrow, CreatedTask funded) {
        Optional<EscrowTask> task = escrow.getTask(funded.taskId());
        if (task.isEmpty()) {
            return "escrow " + funded.taskId() + " is not on chain";
        }
        EscrowStatus status = task.get().status();
        if (status.paid()) {
            return "escrow " + funded.taskId() + " is " + status + " on chain: the provider was paid";
        }
        if (status == EscrowStatus.CANCELLED) {
            return "escrow " + funded.taskId() + " is CANCELLED on chain: " + task.get().amount().toStrkString()
                    + " went back to " + task.get().creator().hex();
        }
        return "escrow " + funded.taskId() + " is still " + status + " on chain: cancel it (cancel_task) for a refund of "
                + task.get().amount().toStrkString();
    }

    private static JobSpec job(String kind, int n) {
        Random random = new Random();
        switch (kind) {
            case "matmul" -> {
                float[] a = new float[n * n];
                float[] b = new float[n * n];
                for (int i = 0; i < a.length; i++) {
                    a[i] = random.nextFloat();
                    b[i] = random.nextFloat();
                }
                return Jobs.matmul(n, a, b);
            }
            case "sha256" -> {
                List<byte[]> messages = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    messages.add(("message " + i).getBytes(StandardCharsets.UTF_8));
                }
                return Jobs.sha256Batch(messages);
            }
            default -> throw new InvalidFieldException("--kind", "matmul or sha256", kind);
        }
    }

    private static JsonObject readAccounts(Path accounts) {
        try {
            JsonElement e = JsonParser.parseString(Files.readString(accounts, StandardCharsets.UTF_8));
            return e.getAsJsonObject();
        } catch (IOException e) {
            throw new IllegalArgumentException("--accounts: cannot read " + accounts.toAbsolutePath() + " (" + e.getMessage()
                    + "); start a local network first with './smainer relayer', which writes it");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--accounts: " + accounts + " is not a local network accounts file");
        }
    }

    private static JsonObject demanderOf(JsonObject file, Path accounts) {
        for (JsonElement a : file.getAsJsonArray("accounts")) {
            if ("demander".equals(a.getAsJsonObject().get("role").getAsString())) {
                return a.getAsJsonObject();
            }
        }
        throw new IllegalArgumentException("--accounts: " + accounts + " lists no demander account");
    }
}
