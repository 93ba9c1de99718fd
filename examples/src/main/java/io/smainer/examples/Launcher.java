package io.smainer.examples;

import java.io.PrintStream;
import java.util.Arrays;

/** The {@code ./smainer} launcher's Java side: one command per example or app. */
public final class Launcher {
    private Launcher() {
    }

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
                    return io.smainer.examples.demo.LocalDemo.run(io.smainer.examples.demo.LocalDemo.Options.parse(rest), out)
                            .reconciled() ? 0 : 1;
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

    private static void help(PrintStream out) {
        out.println("""
                Usage: ./smainer <command> [arguments]

                Commands:
                  demo       run a local Smainer network (relayer, providers, a demander) and print a report
                  relayer    run the reference relayer
                  provider   the reference provider CLI (init, detect, register, run, status)
                  submit     submit a task to a running relayer and wait for its result
                  quote      print a fee quote: ./smainer quote <base price in STRK>
                  help       this text
                """);
    }
}
