package io.smainer.escrow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RevertReasonsTest {
    @Test
    void findsTheInnermostReasonInANodesFailureText() {
        String text = "Transaction execution has failed:\n0: Error in the called contract (contract address: 0x1, class hash:"
                + " 0x2, selector: 0x15d40a3d6ca2ac30f4031e42be28da9b056fef9bb7357ac5e85627ee876e5ad):\nExecution failed."
                + " Failure reason:\n(0x496e76616c6964207369676e6174757265 ('Invalid signature'),"
                + " 0x454e545259504f494e545f4641494c4544 ('ENTRYPOINT_FAILED')).\n";
        assertThat(RevertReasons.parse(text)).contains("Invalid signature");
    }

    @Test
    void skipsWrapperMarkersBeforeTheReason() {
        String text = "Failure reason: (0x617267656e742f6d756c746963616c6c2d6661696c6564 ('argent/multicall-failed'),"
                + " 0x3 ('Signature already used'), 0x4 ('ENTRYPOINT_FAILED'))";
        assertThat(RevertReasons.parse(text)).contains("Signature already used");
    }

    @Test
    void decodesAReasonGivenOnlyAsAFelt() {
        assertThat(RevertReasons.parse("Execution failed. Failure reason: 0x5061757361626c653a20706175736564."))
                .contains("Pausable: paused");
    }

    @Test
    void encodesAsItParses() {
        assertThat(RevertReasons.encode("Invalid task status")).startsWith("0x496e76616c6964207461736b20737461747573 (");
        assertThat(RevertReasons.parse(RevertReasons.encode("Exceeds escrowed amount"))).contains("Exceeds escrowed amount");
    }

    @Test
    void givesTheTextBackWhenNoReasonIsFound() {
        assertThat(RevertReasons.parse("out of gas")).isEmpty();
        assertThat(RevertReasons.reasonOrText("out of gas")).isEqualTo("out of gas");
        assertThat(RevertReasons.reasonOrText(null)).isEqualTo("(no reason given)");
    }
}
