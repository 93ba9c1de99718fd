package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuoteExampleTest {

    @Test
    void printsEachTiersEscrowAndSplitExactly() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Launcher.run(new String[] {"quote", "1.5"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(text).containsPattern("pro\\s+220%\\s+3.3 STRK\\s+2.904 STRK\\s+0.099 STRK\\s+0.396 STRK");
        assertThat(text).containsPattern("premium\\s+350%\\s+5.25 STRK\\s+4.62 STRK\\s+0.1575 STRK\\s+0.63 STRK");
    }

    @Test
    void aBadAmountIsAClearErrorNotAStackTrace() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Launcher.run(new String[] {"quote", "1.5.5"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as("a usage error").isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("expected STRK with at most 18 decimals", "'1.5.5'")
                .doesNotContain("Exception", "\tat ");
    }

    @Test
    void anUnknownCommandPrintsUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Launcher.run(new String[] {"mine-bitcoin"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unmatched argument", "'mine-bitcoin'");
    }
}
