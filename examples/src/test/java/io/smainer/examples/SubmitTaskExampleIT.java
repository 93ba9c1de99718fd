package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.TokenAmount;
import io.smainer.fee.FeeMath;
import io.smainer.fee.Quote;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The smoke test of {@code ./smainer example submit-task}: one matmul bought, checked and paid exactly. */
class SubmitTaskExampleIT {

    @Test
    void buysOneMatrixProductChecksItWithFreivaldsAndSeesTheExactPayout() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SubmitTaskExample.Outcome outcome = SubmitTaskExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        Quote quote = FeeMath.quote(SubmitTaskExample.BASE_PRICE, SubmitTaskExample.TIER);
        assertThat(outcome.escrow().escrowed()).isEqualTo(quote.escrow());
        assertThat(outcome.check().passed()).as(outcome.check().detail()).isTrue();
        assertThat(outcome.settled().taskId()).isEqualTo(outcome.escrow().taskId());
        assertThat(outcome.settled().providerAmount()).isEqualTo(quote.provider());
        assertThat(outcome.settled().treasuryAmount()).isEqualTo(quote.treasury());
        assertThat(outcome.demanderBalance())
                .isEqualTo(LocalNetwork.DEFAULT_DEMANDER_FUNDS.minus(quote.escrow()));
        assertThat(out).contains("escrow 0.22 STRK").contains("Freivalds: PASSED, 20 rounds passed")
                .contains("the demander now holds " + TokenAmount.parseStrk("999.78").toStrkString());
    }
}
