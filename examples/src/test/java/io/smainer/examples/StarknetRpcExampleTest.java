package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code ./smainer example starknet-rpc} without a node: it says what to set, exits 2, and hides the key. */
class StarknetRpcExampleTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env) {
        return StarknetRpcExample.run(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void withoutTheEnvironmentItListsWhatToSetAndExitsTwo() {
        assertThat(run(Map.of())).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("set these environment variables")
                .contains("SMAINER_RPC_URL is not set")
                .contains("SMAINER_ACCOUNT_ADDRESS is not set")
                .contains("SMAINER_PRIVATE_KEY is not set")
                .contains("SMAINER_CONTRACT           optional");
    }

    @Test
    void badValuesAreNamedButThePrivateKeyIsNeverEchoed() {
        String key = "0x5ecre7notahexnumber";
        int code = run(Map.of("SMAINER_RPC_URL", "ftp://node", "SMAINER_ACCOUNT_ADDRESS", "0x12",
                "SMAINER_PRIVATE_KEY", key, "SMAINER_CONTRACT", "nope"));
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(code).isEqualTo(2);
        assertThat(text).contains("SMAINER_RPC_URL: expected an http(s) URL, got 'ftp://node'")
                .contains("SMAINER_PRIVATE_KEY: expected a non-zero 0x-prefixed hex number (the value is not shown)")
                .contains("SMAINER_CONTRACT: expected a 0x-prefixed contract address, got 'nope'")
                .doesNotContain("SMAINER_ACCOUNT_ADDRESS:").doesNotContain("5ecre7");
    }

    @Test
    void theLauncherRunsItByName() {
        // The launcher passes the real environment; on CI none of the variables is set.
        Assumptions.assumeTrue(System.getenv("SMAINER_RPC_URL") == null);
        int code = Launcher.run(new String[] {"example", "starknet-rpc"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("SMAINER_RPC_URL is not set");
    }
}
