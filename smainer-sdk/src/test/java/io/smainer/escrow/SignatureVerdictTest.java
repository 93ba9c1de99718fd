package io.smainer.escrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import io.smainer.chain.Felt;
import org.junit.jupiter.api.Test;

class SignatureVerdictTest {
    @Test
    void validIsTheShortStringSnip6Names() {
        assertThat(SignatureVerdict.VALID).isEqualTo(Felt.parse("0x56414c4944"));
    }

    @Test
    void onlyValidAndTheCairo0TrueMeanValid() {
        assertThat(SignatureVerdict.meansValid(Felt.parse("0x56414c4944"))).isTrue();
        assertThat(SignatureVerdict.meansValid(Felt.ONE)).isTrue();
        assertThat(SignatureVerdict.meansValid(Felt.ZERO)).isFalse();
        assertThat(SignatureVerdict.meansValid(Felt.of(2))).isFalse();
        assertThat(SignatureVerdict.meansValid(Felt.fromShortString("INVALID"))).isFalse();
        assertThat(SignatureVerdict.meansValid(Felt.fromShortString("valid"))).isFalse();
    }

    @Test
    void refusesAVerdictThatDoesNotSayWhatTheAccountAnswered() {
        assertThatThrownBy(() -> new SignatureVerdict(true, " ")).isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("answer");
    }
}
