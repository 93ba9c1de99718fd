package io.smainer.examples;

import io.smainer.examples.demo.LocalDemo;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

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
                QuoteExample.print(io.smainer.chain.TokenAmount.parseStrk(args.length > 0 ? args[0] : "0.1"), out);
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
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        try {
            switch (command) {
                case "quote" -> QuoteExample.print(io.smainer.chain.TokenAmount.parseStrk(rest.length > 0 ? rest[0] : "0.1"), out);
                case "demo" -> {
                    return LocalDemo.run(LocalDemo.Options.parse(rest), out).reconciled() ? 0 : 1;
                }
                case "relayer" -> io.smainer.relayer.Main.main(rest);
                case "provider" -> io.smainer.provider.app.Main.main(rest);
                case "example" -> {
                    return example(rest, out, err);
                }
                case "submit" -> {
                    return SubmitCommand.run(rest, out);
                }
                case "help", "-h", "--help" -> help(out);
                default -> {
                    err.println("smainer: unknown command '" + command + "'");
                    help(err);
                    return 2;
                }
            }
            return 0;
        } catch (io.smainer.SmainerException | IllegalArgumentException e) {
            err.println("smainer " + command + ": " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("smainer " + command + " failed: " + e);
            return 1;
        }
    }

    /**
     * @param name an example's name
     * @return the example
     */
    static Optional<Example> example(String name) {
        return EXAMPLES.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    private static int example(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0) {
            err.println("smainer example: which one? ./smainer example <name>, one of:");
            listExamples(err);
            return 2;
        }
        Optional<Example> example = example(args[0]);
        if (example.isEmpty()) {
            err.println("smainer example: unknown example '" + args[0] + "', expected one of:");
            listExamples(err);
            return 2;
        }
        return example.get().main().run(Arrays.copyOfRange(args, 1, args.length), out, err);
    }

    private static void listExamples(PrintStream out) {
        for (Example e : EXAMPLES) {
            out.printf("  %-16s %s%n", e.name(), e.summary());
        }
    }

    private static void help(PrintStream out) {
        out.println("""
                Usage: ./smainer <command> [arguments]

                Commands:
                  demo       run a local Smainer network (relayer, providers, a demander) and print a report
                  relayer    run the reference relayer: ./smainer relayer [config.properties]
                             (chain=local by default, or chain=starknet; ./smainer relayer --help for its
                             settings, ./smainer relayer keystore for the keystore chain=starknet needs)
                  provider   the reference provider CLI (init, detect, register, run, status)
                  submit     submit a task to a local network started by './smainer relayer' and wait for
                             its checked result: ./smainer submit [--kind matmul|sha256] [--tier pro] [--amount 0.1]
                  quote      print a fee quote: ./smainer quote <base price in STRK>
                  example    run an example: ./smainer example <name> [arguments]
                  help       this text

                Examples (source in examples/src/main/java/io/smainer/examples/):""");
        listExamples(out);
    }
}
