package io.smainer.relayer;

import io.smainer.SmainerException;
import io.smainer.SmainerVersion;
import io.smainer.chain.ContractAddress;
import io.smainer.config.ConfigException;
import io.smainer.config.Settings;
import io.smainer.crypto.Keystore;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Runs the reference relayer ({@link RelayerApp}): configuration from defaults, then the properties file
 * named by the first argument or {@code SMAINER_CONFIG}, then {@code SMAINER_*} variables. With
 * {@code chain=local} (the default) it settles on the local network's in-process ledger (the relayer account
 * {@link #LOCAL_RELAYER}), served to other processes as a local Starknet JSON-RPC node with development
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
     * @param args an optional properties file; or {@code --help}, {@code --version}; or
     *     {@code keystore --keystore FILE --address 0x…}
     * @throws InterruptedException when interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        CommandLine cl = commandLine(System.out, System.err, System.getenv());
        int code = cl.execute(args);
        if (code != SERVING) {
            System.exit(code);
        }
        SERVED.await();
    }

    /** What the root command returns once the relayer serves: {@link #main} then waits for the shutdown hook. */
    private static final int SERVING = -1;
    private static final CountDownLatch SERVED = new CountDownLatch(1);

    /**
     * The command line: {@code relayer [--passphrase-file FILE] [CONFIG]}, {@code relayer keystore ...},
     * {@code relayer help [keystore]}; {@code -h/--help} and {@code -V/--version} everywhere; usage errors exit 2.
     *
     * @param out standard output
     * @param err standard error
     * @param env the environment
     * @return the command line
     */
    static CommandLine commandLine(PrintStream out, PrintStream err, Map<String, String> env) {
        CommandSpec spec = CommandSpec.create().name("relayer").mixinStandardHelpOptions(true)
                .versionProvider(() -> new String[] {"relayer (Smainer for Java) " + SmainerVersion.current()});
        spec.addPositional(PositionalParamSpec.builder().paramLabel("CONFIG").arity("0..1").type(Path.class)
                .description("a properties file with settings (default: SMAINER_RELAYER_CONFIG, else SMAINER_CONFIG, "
                        + "else none)").build());
        spec.addOption(OptionSpec.builder(PASSPHRASE_FILE).paramLabel("FILE").type(Path.class)
                .description("with chain=starknet: read the keystore passphrase from this file (its first line), e.g. "
                        + "a systemd credential, instead of " + Settings.PASSPHRASE_ENV + " or a prompt").build());
        spec.usageMessage().description("Run the reference relayer (until SIGTERM or Ctrl-C).")
                .footerHeading("%n").footer(helpText().split("\n", -1)).optionListHeading("%nOptions:%n")
                .commandListHeading("%nCommands:%n").descriptionHeading("%n").width(USAGE_WIDTH);
        CommandLine cl = new CommandLine(spec);
        CommandLine keystore = KeystoreCommand.commandLine(env, Main::readSecret, out, err, Keystore.DEFAULT_ITERATIONS);
        // setExecutionStrategy below reaches the subcommands too: keep keystore's own
        CommandLine.IExecutionStrategy keystoreStrategy = keystore.getExecutionStrategy();
        cl.addSubcommand("keystore", keystore);
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        cl.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).setUsageHelpWidth(USAGE_WIDTH);
        cl.setExecutionStrategy(parsed -> {
            Integer help = CommandLine.executeHelpRequest(parsed);
            if (help != null) {
                return help;
            }
            if (parsed.hasSubcommand()) { // keystore, given the whole parse
                return keystoreStrategy.execute(parsed);
            }
            Path file = parsed.matchedPositionalValue(0, null);
            Path passFile = parsed.matchedOptionValue(PASSPHRASE_FILE, null);
            return serve(Optional.ofNullable(file), withPassphraseFile(env, passFile, err), err);
        });
        return cl;
    }

    private static final String PASSPHRASE_FILE = "--passphrase-file";
    private static final int USAGE_WIDTH = 120;

    /**
     * @return the environment, with the passphrase read from {@code passFile} when one is named; null when it
     *     cannot be read (the message is printed)
     */
    static Map<String, String> withPassphraseFile(Map<String, String> env, Path passFile, PrintStream err) {
        if (passFile == null) {
            return env;
        }
        Map<String, String> with = new HashMap<>(env);
        try {
            with.put(Settings.PASSPHRASE_ENV, Keystore.readPassphraseFile(passFile));
        } catch (IOException e) {
            err.println("relayer: " + PASSPHRASE_FILE + " " + passFile + ": cannot be read (" + e.getClass().getSimpleName()
                    + ")");
            return null;
        }
        return with;
    }

    private static int serve(Optional<Path> file, Map<String, String> env, PrintStream err) {
        if (env == null) {
            return 2;
        }
        RelayerConfig config;
        try {
            config = RelayerConfig.load(file, env);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 2;
        }
        RelayerApp app;
        try {
            app = RelayerApp.start(config, env, Main::readSecret, Clock.systemUTC());
        } catch (SmainerException e) {
            LOG.error("could not start: {}", e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutting down");
            app.close();
            SERVED.countDown();
        }, "shutdown"));
        return SERVING;
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
        commandLine(out, out, Map.of()).usage(out);
    }

    /** The settings part of the help: chains, and every setting with its environment variable. */
    private static String helpText() {
        StringBuilder text = new StringBuilder("""
                Settings come from defaults, then the properties file (the argument, or SMAINER_RELAYER_CONFIG,
                else SMAINER_CONFIG), then environment variables: the key upper-cased, dots to underscores, after
                SMAINER_RELAYER_ (the relayer's own: settlement.batch_size is SMAINER_RELAYER_SETTLEMENT_BATCH_SIZE)
                or after SMAINER_ (shared with the provider; the relayer's own win). Every bad setting is reported
                at once. Exit codes: 1 could not
                start, 2 bad configuration or usage.

                Chain:
                  chain=local      (default) the local network: an in-process ledger, served on loopback as a
                                   Starknet JSON-RPC node (local_chain.port, 5050; -1 for none) with
                                   development accounts written owner-only to local_chain.accounts_file
                  chain=starknet   Starknet through rpc_url, settling as the account in keystore. Checked at
                                   start: the keystore opens, the node answers with chain_id, a contract answers
                                   at contract_address, and the keystore's account is its relayer (get_relayer).
                                   Tested only against the SDK's local JSON-RPC node; no devnet was available.
                    rpc_url                           Starknet JSON-RPC endpoint (required; path/query masked in logs)
                    chain_id                          expected chain (default SN_MAIN with chain=starknet)
                    contract_address                  escrow contract (default the mainnet SmainerContract)
                    allowed_tokens                    ERC-20s an escrow may hold, comma-separated (default STRK)
                    keystore                          the settlement account's keystore file (required)
                    starknet.receipt_timeout_seconds  how long a settlement waits for its receipt (180)
                    starknet.poll_millis              how often it asks for the receipt (2000)
                  The keystore passphrase is no setting: it comes from %s, --passphrase-file
                  or a prompt, is never defaulted and never logged. Create the keystore with
                  relayer keystore --keystore FILE --address 0x…

                Every setting:
                """.formatted(Settings.PASSPHRASE_ENV));
        for (String k : RelayerConfig.settings()) {
            text.append("  ").append(k).append("  (").append(RelayerConfig.envName(k)).append(")\n");
        }
        text.append("  price.min_base.<kind>  (").append(RelayerConfig.envName("price.min_base.")).append("<KIND>)\n\n");
        text.append("See docs/operations.md for what each one does.");
        return text.toString();
    }
}
