package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.provider.ProviderStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The smoke test of {@code ./smainer example embed-provider}: the embedded node serves and is paid. */
class EmbedProviderExampleIT {

    @Test
    void theEmbeddedNodeLogsInServesEveryTaskAndIsPaidForEach() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProviderStatus status = EmbedProviderExample.run(2, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(status.completed()).isEqualTo(2);
        assertThat(status.failed()).isZero();
        assertThat(status.logins()).isEqualTo(1);
        // 0.1 STRK at tier basic: the provider keeps 88% of each escrow
        assertThat(out).contains("logged in as").containsPattern("running sha256-batch task \\S+ on runner java")
                .contains("task 2 of 2 settled").contains("the account earned 0.176 STRK");
    }

    @Test
    void aBadTaskCountIsRefusedWithTheExpectedForm() {
        assertThatThrownBy(() -> EmbedProviderExample.parseTasks(new String[] {"--tasks", "0"}))
                .hasMessageContaining("expected --tasks N with N from 1 to 100, got --tasks 0");
        assertThat(EmbedProviderExample.parseTasks(new String[] {"--tasks", "7"})).isEqualTo(7);
    }
}
