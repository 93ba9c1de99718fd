package io.smainer.relayer.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.AccountSignature;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.SignatureVerdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which check a signature goes to: two felts to the key when one is known, any other array to the account. */
class DemanderSignaturesTest {
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    private static final ContractAddress DEMANDER = ContractAddress.of(0xd0);
    private static final KeyPair KEY = KeyPair.fromPrivateKey(Felt.parse("0x5eed"), CRYPTO);
    private static final Felt HASH = Felt.parse("0x1234567");

    private final List<AccountSignature> asked = new ArrayList<>();

    /** An account that accepts exactly [r, s, 0x1, 0x2] for its key's (r, s), and records what it was asked. */
    private final AccountSignatureCheck account = (a, hash, signature) -> {
        asked.add(signature);
        List<Felt> expected = new ArrayList<>(CRYPTO.sign(KEY.privateKey(), hash).toList());
        expected.addAll(List.of(Felt.ONE, Felt.of(2)));
        boolean ok = signature.felts().equals(expected);
        return Optional.of(new SignatureVerdict(ok, "is_valid_signature returned " + (ok ? "'VALID'" : "0x0")));
    };

    private AccountSignature rs() {
        return AccountSignature.of(CRYPTO.sign(KEY.privateKey(), HASH));
    }

    private AccountSignature four() {
        List<Felt> felts = new ArrayList<>(rs().felts());
        felts.addAll(List.of(Felt.ONE, Felt.of(2)));
        return AccountSignature.of(felts);
    }

    @Test
    void twoFeltsAreCheckedAgainstTheKnownKeyWithoutAskingTheAccount() {
        DemanderSignatures s = new DemanderSignatures(CRYPTO, AccountKeys.of(Map.of(DEMANDER, KEY.publicKey())), account);

        s.check(DEMANDER, HASH, rs(), "the request");

        assertThat(asked).isEmpty();
    }

    @Test
    void anyOtherArrayGoesToTheAccountEvenWhenItsKeyIsKnown() {
        DemanderSignatures s = new DemanderSignatures(CRYPTO, AccountKeys.of(Map.of(DEMANDER, KEY.publicKey())), account);

        s.check(DEMANDER, HASH, four(), "the request");

        assertThat(asked).containsExactly(four());
        List<Felt> wrong = new ArrayList<>(four().felts());
        wrong.set(3, Felt.of(3));
        assertThatThrownBy(() -> s.check(DEMANDER, HASH, AccountSignature.of(wrong), "the request"))
                .isInstanceOfSatisfying(RequestRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RequestRejectedException.Reason.BAD_SIGNATURE);
                    assertThat(e.field()).isEqualTo("signature");
                    assertThat(e.getMessage()).contains("got one it refuses (is_valid_signature returned 0x0)");
                });
    }

    @Test
    void aRelayerThatAsksNoAccountRefusesALongerArrayNamingTheSignature() {
        DemanderSignatures s = new DemanderSignatures(CRYPTO, AccountKeys.of(Map.of(DEMANDER, KEY.publicKey())),
                AccountSignatureCheck.NONE);

        assertThatThrownBy(() -> s.check(DEMANDER, HASH, four(), "the request"))
                .isInstanceOfSatisfying(RequestRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RequestRejectedException.Reason.BAD_SIGNATURE);
                    assertThat(e.field()).isEqualTo("signature");
                    assertThat(e.getMessage()).isEqualTo("signature: expected [r, s] (this relayer asks no account "
                            + "contract, so only a Stark key's signature can be checked), got 4 felts");
                });
    }
}
