package io.smainer.crypto.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link StarkCryptoBenchmark} for both implementations in one run and prints a table of
 * microseconds per operation and the ratio starknet-jvm / fast.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am test-compile -Dbench=crypto-bench               # full: about 4 minutes
 * mvn -B -q -pl benchmarks -am test-compile -Dbench=crypto-bench -Dbench.args=quick
 * </pre>
 */
public final class StarkCryptoBenchmarks {
    private StarkCryptoBenchmarks() {
    }

    /** One fork, one thread; full: 4 x 3 s warm-up and 6 x 3 s measured; quick: 1 x 1 s and 2 x 1 s. */
    private static ChainedOptionsBuilder timing(boolean quick) {
        return new OptionsBuilder().forks(1).threads(1)
                .warmupIterations(quick ? 1 : 4).warmupTime(TimeValue.seconds(quick ? 1 : 3))
                .measurementIterations(quick ? 2 : 6).measurementTime(TimeValue.seconds(quick ? 1 : 3));
    }

    /**
     * @param args {@code full} (default) or {@code quick}
     * @throws RunnerException when JMH fails
     */
    public static void main(String[] args) throws RunnerException {
        boolean quick = args.length > 0 && "quick".equals(args[0]);
        Options options = timing(quick).include(StarkCryptoBenchmark.class.getName() + "\\.").build();
        Collection<RunResult> results = new Runner(options).run();
        // The same verify on the fast implementation with its per-key tables off: a key seen for the first time.
        Options coldKeys = timing(quick).include(StarkCryptoBenchmark.class.getName() + "\\.verify$")
                .param("implementation", "fast").jvmArgsAppend("-Dsmainer.crypto.keyTables=0").build();
        RunResult cold = new Runner(coldKeys).runSingle();

        Map<String, double[]> byOperation = new LinkedHashMap<>(); // operation -> {fast, starknet-jvm, fastErr, jvmErr}
        for (RunResult result : results) {
            String label = result.getParams().getBenchmark();
            String operation = label.substring(label.lastIndexOf('.') + 1);
            String implementation = result.getParams().getParam("implementation");
            double[] row = byOperation.computeIfAbsent(operation, k -> new double[4]);
            int column = "fast".equals(implementation) ? 0 : 1;
            row[column] = result.getPrimaryResult().getScore();
            row[column + 2] = result.getPrimaryResult().getScoreError();
        }
        System.out.println();
        System.out.printf("JDK %s, %d cores, %s%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), quick ? "quick run" : "full run");
        System.out.println("| operation | fast (us/op) | starknet-jvm (us/op) | speed-up |");
        System.out.println("|---|---:|---:|---:|");
        for (Map.Entry<String, double[]> e : byOperation.entrySet()) {
            double[] r = e.getValue();
            String operation = "verify".equals(e.getKey()) ? "verify (a key seen before: its table)" : e.getKey();
            System.out.printf("| %s | %.2f ± %.2f | %.1f ± %.1f | %.0fx |%n", operation, r[0], r[2], r[1], r[3], r[1] / r[0]);
        }
        double[] jvmVerify = byOperation.getOrDefault("verify", new double[4]);
        System.out.printf("| verify (a new key: no table) | %.2f ± %.2f | %.1f ± %.1f | %.0fx |%n",
                cold.getPrimaryResult().getScore(), cold.getPrimaryResult().getScoreError(), jvmVerify[1], jvmVerify[3],
                jvmVerify[1] / cold.getPrimaryResult().getScore());
    }
}
