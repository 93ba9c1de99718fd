package io.smainer.relayer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The relayer's {@code --help}. */
class MainTest {
    @Test
    void helpListsEverySettingWithItsVariableAndSaysWhereStarknetModeWasTested() {
        ByteArrayOutputStream help = new ByteArrayOutputStream();
        Main.help(new PrintStream(help, true, StandardCharsets.UTF_8));
        String text = help.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("Usage: relayer [-hV] [--passphrase-file=FILE] [CONFIG] [COMMAND]", "keystore",
                "chain=starknet", "relayer keystore --keystore FILE --address",
                "SMAINER_KEYSTORE_PASSPHRASE", "Tested only against the SDK's local JSON-RPC node");
        for (String setting : RelayerConfig.settings()) {
            assertThat(text).contains("  " + setting + "  (SMAINER_RELAYER_" + setting.replace('.', '_').toUpperCase() + ")");
        }
    }
}
