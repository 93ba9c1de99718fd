package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The smoke test of {@code ./smainer example custom-job}: a word-count run bought through the relayer. */
class CustomJobHandlerExampleIT {

    @Test
    void aDemanderBuysOneWordCountFromANodeSellingTheCustomKind() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Map<String, Long> counts = CustomJobHandlerExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(counts).containsEntry("it", 10L).containsEntry("was", 10L).containsEntry("the", 10L)
                .containsEntry("of", 10L).containsEntry("times", 2L).containsEntry("despair", 1L);
        assertThat(out).contains("selling [word-count]").contains("paid 0.01 STRK into escrow")
                // the provider keeps 88% of the 0.01 STRK escrow
                .contains("provider  earned 0.0088 STRK");
    }
}
