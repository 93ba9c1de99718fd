package io.smainer.examples;

import io.smainer.SmainerException;
import io.smainer.SmainerVersion;
import io.smainer.chain.TokenAmount;
import io.smainer.examples.demo.LocalDemo;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code ./smainer} launcher's Java side: one command per app, and {@code example <name>} per example. */
public final class Launcher {
    private Launcher() {
    }

    /** An example's entry point: its arguments, where to print; returns the exit code. */
    @FunctionalInterface
    interface ExampleMain {
        int run(String[] args, PrintStream out, PrintStream err) throws Exception;
    }

    /**
     * One runnable example.
     *
     * @param name what {@code ./smainer example <name>} calls it
     * @param source its class
     * @param summary one line
     * @param main how to run it
     */
    record Example(String name, Class<?> source, String summary, ExampleMain main) {
    }

    /** Every example, in the order a reader should take them. examples/README.md lists the same. */
    static final List<Example> EXAMPLES = List.of(
            new Example("quote", QuoteExample.class, "a fee quote at every tier, exact to the base unit", (args, out, err) -> {
                QuoteExample.print(TokenAmount.parseStrk(args.length > 0 ? args[0] : "0.1"), out);
                return 0;
            }),
            new Example("submit-task", SubmitTaskExample.class,
                    "fund an escrow, submit a matmul, await the result, check it with Freivalds, see the payout",
                    (args, out, err) -> SubmitTaskExample.run(args, System.getenv(), out, err)),
            new Example("embed-provider", EmbedProviderExample.class,
                    "embed a provider node in ten lines and serve tasks from a relayer", (args, out, err) -> {
                        int tasks = EmbedProviderExample.parseTasks(args);
                        return EmbedProviderExample.run(tasks, out).completed() == tasks ? 0 : 1;
                    }),
            new Example("custom-job", CustomJobHandlerExample.class,
                    "write a job handler (word-count), sell it through a provider node, buy one run", (args, out, err) -> {
                        CustomJobHandlerExample.run(out);
                        return 0;
                    }),
            new Example("ptx-kernel", PtxKernelExample.class,
                    "run your own PTX kernel (a vector add) on the GPU runner; says why not where there is no GPU",
                    (args, out, err) -> PtxKernelExample.run(out).mismatches() == 0 ? 0 : 1),
            new Example("starknet-rpc", StarknetRpcExample.class,
                    "read the deployed contract through a real Starknet RPC (set SMAINER_RPC_URL, ...)",
                    (args, out, err) -> StarknetRpcExample.run(System.getenv(), out, err)));

    /**
     * @param args a command and its arguments
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * @param args a command and its arguments
     * @param out standard output
     * @param err standard error
     * @return the exit code: 0 done, 1 failed, 2 bad usage
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return commandLine(out, err).execute(args);
    }

    /**
     * The launcher's command line: one subcommand per app, {@code -h/--help} and {@code -V/--version} everywhere,
     * {@code help <command>}, usage errors exit 2. {@code relayer} and {@code provider} hand their arguments, help
     * and version options included, to the app's own command line.
     */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Smainer());
        cl.addSubcommand(new CommandLine(new Demo(out)));
        cl.addSubcommand("relayer", app(io.smainer.relayer.Main::main, "run the reference relayer: ./smainer relayer "
                + "[config.properties] (chain=local by default, or chain=starknet; ./smainer relayer --help for its "
                + "settings, ./smainer relayer keystore for the keystore chain=starknet needs)"));
        cl.addSubcommand("provider", app(io.smainer.provider.app.Main::main,
                "the reference provider CLI (init, detect, register, run, status; ./smainer provider --help)"));
        cl.addSubcommand(new CommandLine(new SubmitCommand(out)));
        cl.addSubcommand(new CommandLine(new Quote(out)));
        cl.addSubcommand(new CommandLine(new RunExample(out, err)).setUnmatchedOptionsArePositionalParams(true));
        cl.addSubcommand(new CommandLine.HelpCommand());
        StringBuilder examples = new StringBuilder("%nExamples (source in examples/src/main/java/io/smainer/examples/):%n");
        for (Example e : EXAMPLES) {
            examples.append(String.format("  %-16s %s%%n", e.name(), e.summary().replace("%", "%%")));
        }
        cl.getCommandSpec().usageMessage().footer(examples.toString());
        cl.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).setUsageHelpWidth(USAGE_WIDTH);
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            String name = "smainer " + command.getCommandName();
            if (e instanceof SmainerException || e instanceof IllegalArgumentException) {
                err.println(name + ": " + e.getMessage());
            } else {
                err.println(name + " failed: " + e);
            }
            return 1;
        });
        return cl;
    }

    private static final int USAGE_WIDTH = 120;

    /** The version every command prints. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"smainer (Smainer for Java) " + SmainerVersion.current()};
        }
    }

    @Command(name = "smainer", mixinStandardHelpOptions = true, versionProvider = Version.class,
            synopsisSubcommandLabel = "COMMAND", commandListHeading = "%nCommands:%n",
            description = "Smainer for Java: a local network, the reference relayer and provider, and the examples.")
    static final class Smainer implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "run a local Smainer network (relayer, providers, a demander) and print a report")
    static final class Demo implements Callable<Integer> {
        private final PrintStream out;
        @Spec
        CommandSpec spec;
        @Option(names = "--providers", paramLabel = "N", description = "provider nodes, 1 to 64 (default 3)")
        int providers = LocalDemo.Options.DEFAULT.providers();
        @Option(names = "--tasks", paramLabel = "N", description = "tasks, 1 to 100000 (default 120)")
        int tasks = LocalDemo.Options.DEFAULT.tasks();
        @Option(names = "--seed", paramLabel = "N", description = "the task mix's random seed (default 42)")
        long seed = LocalDemo.Options.DEFAULT.seed();
        @Option(names = "--sealed", description = "seal every task: payloads readable only by the providers that run"
                + " them, results only by the demander")
        boolean sealed;

        Demo(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws Exception {
            LocalDemo.Options options;
            try {
                options = new LocalDemo.Options(providers, tasks, seed, sealed);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            return LocalDemo.run(options, out).reconciled() ? 0 : 1;
        }
    }

    /** {@code relayer} and {@code provider}: every argument goes to the app's own command line. */
    @Command
    static final class App implements Callable<Integer> {
        private final AppMain main;
        @Parameters(paramLabel = "ARGS", description = "the app's arguments; --help lists them")
        List<String> args = new ArrayList<>();

        App(AppMain main) {
            this.main = main;
        }

        @Override
        public Integer call() throws Exception {
            main.main(args.toArray(String[]::new)); // the app exits the JVM itself, or returns having printed
            return 0;
        }
    }

    private static CommandLine app(AppMain main, String description) {
        CommandLine cl = new CommandLine(new App(main)).setUnmatchedOptionsArePositionalParams(true);
        cl.getCommandSpec().usageMessage().description(description);
        return cl;
    }

    /** An app's {@code main}. */
    @FunctionalInterface
    interface AppMain {
        void main(String[] args) throws Exception;
    }

    @Command(name = "quote", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "print a fee quote at every tier, exact to the base unit (fri)")
    static final class Quote implements Callable<Integer> {
        private final PrintStream out;
        @Parameters(paramLabel = "STRK", arity = "0..1", defaultValue = "0.1", converter = StrkConverter.class,
                description = "the base price in STRK, at most 18 decimals (default ${DEFAULT-VALUE})")
        TokenAmount base;

        Quote(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            QuoteExample.print(base, out);
            return 0;
        }
    }

    /** A STRK amount such as {@code 1.5}: the parse error names what was expected. */
    static final class StrkConverter implements CommandLine.ITypeConverter<TokenAmount> {
        @Override
        public TokenAmount convert(String value) {
            try {
                return TokenAmount.parseStrk(value);
            } catch (SmainerException | IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Command(name = "example", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "run an example: ./smainer example <name> [arguments]")
    static final class RunExample implements Callable<Integer> {
        private final PrintStream out;
        private final PrintStream err;
        @Parameters(paramLabel = "NAME", arity = "0..1", index = "0", description = "which example")
        String name;
        @Parameters(paramLabel = "ARGS", index = "1..*", description = "its arguments")
        List<String> args = new ArrayList<>();

        RunExample(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() throws Exception {
            if (name == null) {
                err.println("smainer example: which one? ./smainer example <name>, one of:");
                listExamples(err);
                return 2;
            }
            Optional<Example> example = example(name);
            if (example.isEmpty()) {
                err.println("smainer example: unknown example '" + name + "', expected one of:");
                listExamples(err);
                return 2;
            }
            return example.get().main().run(args.toArray(String[]::new), out, err);
        }
    }

    /**
     * @param name an example's name
     * @return the example
     */
    static Optional<Example> example(String name) {
        return EXAMPLES.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    private static void listExamples(PrintStream out) {
        for (Example e : EXAMPLES) {
            out.printf("  %-16s %s%n", e.name(), e.summary());
        }
    }
}
