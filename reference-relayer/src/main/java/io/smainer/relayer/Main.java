package io.smainer.relayer;

import io.smainer.SmainerException;
import io.smainer.chain.ContractAddress;
import io.smainer.config.ConfigException;
import io.smainer.config.Settings;
import io.smainer.crypto.Keystore;
import java.io.Console;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the reference relayer ({@link RelayerApp}): configuration from defaults, then the properties file
 * named by the first argument or {@code SMAINER_CONFIG}, then {@code SMAINER_*} variables. With
 * {@code chain=local} (the default) it settles on the local network's in-process ledger (the relayer account
 * {@link #LOCAL_RELAYER}), served to other processes as a local Starknet JSON-RPC test node with development
 * accounts; with {@code chain=starknet} it settles on Starknet through {@code rpc_url} as the account in
 * {@code keystore}. {@code relayer keystore} creates that keystore ({@link KeystoreCommand});
 * {@code relayer --help} lists every setting. Stops cleanly on SIGTERM or Ctrl-C. Exit codes: 1 could not
 * start, 2 bad configuration or usage.
 */
public final class Main {
    /** The relayer account of the local network. */
    public static final ContractAddress LOCAL_RELAYER = RelayerApp.LOCAL_RELAYER;
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    /**
     * @param args an optional properties file; or {@code --help}; or {@code keystore --keystore FILE --address 0x…}
     * @throws InterruptedException when interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help"))) {
            help(System.out);
            return;
        }
        if (args.length > 0 && args[0].equals("keystore")) {
            System.exit(new KeystoreCommand(System.getenv(), Main::readSecret, System.out, System.err,
                    Keystore.DEFAULT_ITERATIONS).run(Arrays.copyOfRange(args, 1, args.length)));
            return;
        }
        if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
            System.err.println("relayer: unexpected arguments " + Arrays.toString(args) + "; see relayer --help");
            System.exit(2);
            return;
        }
        RelayerConfig config;
        try {
            config = RelayerConfig.load(args.length > 0 ? Optional.of(Path.of(args[0])) : Optional.empty(), System.getenv());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        RelayerApp app;
        try {
            app = RelayerApp.start(config, System.getenv(), Main::readSecret, Clock.systemUTC());
        } catch (SmainerException e) {
            LOG.error("could not start: {}", e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down");
            app.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }

    /** Reads a secret from the terminal without echo; empty when there is none. */
    private static Optional<char[]> readSecret(String text) {
        Console console = System.console();
        return console == null ? Optional.empty() : Optional.ofNullable(console.readPassword("%s", text));
    }

    /**
     * Prints the usage and every setting.
     *
     * @param out where
     */
    static void help(PrintStream out) {
        out.println("""
                Usage: relayer [config.properties]      run the relayer
                       relayer keystore --keystore FILE --address 0x…
                                                        seal the settlement account's key for chain=starknet
                       relayer --help                   this text

                Settings come from defaults, then the properties file (the argument, or SMAINER_CONFIG), then
                SMAINER_* environment variables (the key upper-cased, dots to underscores: settlement.batch_size
                is SMAINER_SETTLEMENT_BATCH_SIZE). Every bad setting is reported at once.

                Chain:
                  chain=local      (default) the local network: an in-process ledger, served on loopback as a
                                   Starknet JSON-RPC test node (local_chain.port, 5050; -1 for none) with
                                   development accounts written owner-only to local_chain.accounts_file
                  chain=starknet   Starknet through rpc_url, settling as the account in keystore. Checked at
                                   start: the keystore opens, the node answers with chain_id, a contract answers
                                   at contract_address, and the keystore's account is its relayer (get_relayer).
                                   Tested only against the SDK's JSON-RPC test node; no devnet was available.
                    rpc_url                           Starknet JSON-RPC endpoint (required; path/query masked in logs)
                    chain_id                          expected chain (default SN_MAIN with chain=starknet)
                    contract_address                  escrow contract (default the mainnet SmainerContract)
                    allowed_tokens                    ERC-20s an escrow may hold, comma-separated (default STRK)
                    keystore                          the settlement account's keystore file (required)
                    starknet.receipt_timeout_seconds  how long a settlement waits for its receipt (180)
                    starknet.poll_millis              how often it asks for the receipt (2000)
                  The keystore passphrase is no setting: it comes from %s or a prompt,
                  is never defaulted and never logged.

                Every setting:""".formatted(Settings.PASSPHRASE_ENV));
        for (String k : RelayerConfig.settings()) {
            out.println("  " + k + "  (" + Settings.envName(k) + ")");
        }
        out.println("  price.min_base.<kind>  (" + Settings.envName("price.min_base.") + "<KIND>)");
        out.println();
        out.println("See docs/operations.md for what each one does.");
    }
}
