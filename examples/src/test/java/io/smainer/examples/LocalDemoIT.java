package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.examples.demo.DemoReport;
import io.smainer.examples.demo.LocalDemo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The smoke test of {@code ./smainer demo}: a small run reconciles and prints its tables. */
class LocalDemoIT {

    @Test
    void aSmallLocalNetworkRunsEveryKindAndTheBooksReconcile() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DemoReport report = LocalDemo.run(new LocalDemo.Options(2, 24, 1, false), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(report.problems()).isEmpty();
        assertThat(report.reconciled()).isTrue();
        assertThat(report.verified()).isEqualTo(24);
        assertThat(report.settledOnChain()).isEqualTo(24);
        assertThat(report.kinds()).containsOnlyKeys("matmul-f32", "saxpy-f32", "reduce-sum-f32", "sha256-batch");
        assertThat(report.balances().get("escrow contract").isZero()).isTrue();
        assertThat(out).contains("24/24 settled and verified").contains("the books reconcile to the base unit")
                .containsPattern("sum\\s+1000\\s+1000000000000000000000");
    }

    @Test
    void aSealedRunSettlesEveryTaskAndTheBooksReconcile() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Launcher.run(new String[] {"demo", "--sealed", "--providers", "2", "--tasks", "12", "--seed", "3"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8), System.err);
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(code).as(out).isZero();
        assertThat(out).contains("sealed    every payload sealed").contains("12/12 settled and verified")
                .contains("the books reconcile to the base unit");
    }

    @Test
    void badOptionsAreNamedInTheError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Launcher.run(new String[] {"demo", "--tasks", "many"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as("a usage error").isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid value for option '--tasks': 'many' is not an int");
    }
}
