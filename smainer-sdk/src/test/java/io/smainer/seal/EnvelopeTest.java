package io.smainer.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.StarkCrypto;
import io.smainer.seal.SealException.Problem;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] SECRET = "the demander's prompt: what is 6 x 7?".getBytes(StandardCharsets.UTF_8);

    private static Envelope.Recipient recipient(long address, SealKeyPair keys) {
        return new Envelope.Recipient(ContractAddress.of(address), keys.publicKey());
    }

    @Test
    void everyRecipientOpensTheSamePlaintextAndAnOutsiderCannot() {
        List<SealKeyPair> keys = List.of(SealKeyPair.generate(RANDOM), SealKeyPair.generate(RANDOM),
                SealKeyPair.generate(RANDOM));
        List<Envelope.Recipient> to = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            to.add(recipient(0x100 + i, keys.get(i)));
        }
        SealKeyPair demander = SealKeyPair.generate(RANDOM);
        Envelope.Sealed sealed = Envelope.seal(SECRET, Optional.of(recipient(0x999, demander)), to, RANDOM);

        for (SealKeyPair k : keys) {
            Envelope.Opened o = Envelope.open(sealed.envelope(), k);
            assertThat(o.plaintext()).isEqualTo(SECRET);
            assertThat(o.fileKey()).isEqualTo(sealed.fileKey());
            assertThat(o.header().replyTo()).contains(recipient(0x999, demander));
            assertThat(o.header().recipients()).isEqualTo(to);
        }
        assertThat(Envelope.header(sealed.envelope()).isFor(ContractAddress.of(0x101), keys.get(1).publicKey())).isTrue();
        assertThat(Envelope.header(sealed.envelope()).isFor(ContractAddress.of(0x102), keys.get(1).publicKey())).isFalse();
        assertThatThrownBy(() -> Envelope.open(sealed.envelope(), SealKeyPair.generate(RANDOM)))
                .isInstanceOfSatisfying(SealException.class, e -> assertThat(e.problem()).isEqualTo(Problem.NOT_RECIPIENT));
        assertThatThrownBy(() -> Envelope.open(sealed.envelope(), demander)).as("the reply-to is no recipient")
                .isInstanceOfSatisfying(SealException.class, e -> assertThat(e.problem()).isEqualTo(Problem.NOT_RECIPIENT));
        assertThat(new String(sealed.envelope(), StandardCharsets.ISO_8859_1)).doesNotContain("prompt");
    }

    @Test
    void everySingleFlippedBitIsRefusedAndNeverOpensToOtherText() {
        SealKeyPair provider = SealKeyPair.generate(RANDOM);
        byte[] env = Envelope.seal(SECRET, Optional.of(recipient(7, SealKeyPair.generate(RANDOM))),
                List.of(recipient(5, provider)), RANDOM).envelope();
        for (int i = 0; i < env.length; i++) {
            for (int bit : new int[] {0, 7}) {
                byte[] bad = env.clone();
                bad[i] ^= (byte) (1 << bit);
                int at = i;
                assertThatThrownBy(() -> Envelope.open(bad, provider)).as("byte %d bit %d", at, bit)
                        .isInstanceOf(SealException.class);
            }
        }
        assertThatThrownBy(() -> Envelope.open(Arrays.copyOf(env, env.length - 1), provider))
                .isInstanceOfSatisfying(SealException.class, e -> assertThat(e.problem()).isEqualTo(Problem.TAMPERED));
    }

    @Test
    void aChangedReplyToOrRecipientListBreaksTheHeaderMac() {
        SealKeyPair provider = SealKeyPair.generate(RANDOM);
        SealKeyPair demander = SealKeyPair.generate(RANDOM);
        SealKeyPair relayer = SealKeyPair.generate(RANDOM);
        byte[] env = Envelope.seal(SECRET, Optional.of(recipient(7, demander)), List.of(recipient(5, provider)), RANDOM)
                .envelope();
        byte[] swapped = env.clone();
        System.arraycopy(relayer.publicKey().bytes(), 0, swapped, 8 + 1 + 32, 32); // the reply-to key
        assertThat(Envelope.header(swapped).replyTo().orElseThrow().key()).isEqualTo(relayer.publicKey());
        assertThatThrownBy(() -> Envelope.open(swapped, provider))
                .isInstanceOfSatisfying(SealException.class, e -> assertThat(e.problem()).isEqualTo(Problem.TAMPERED));
    }

    @Test
    void aRevealedContentKeyLetsAThirdPartyOpenItAndAWrongOneDoesNot() {
        SealKeyPair provider = SealKeyPair.generate(RANDOM);
        Envelope.Sealed s = Envelope.seal(SECRET, Optional.empty(), List.of(recipient(5, provider)), RANDOM);
        assertThat(Envelope.openWithFileKey(s.envelope(), s.fileKey()).plaintext()).isEqualTo(SECRET);
        byte[] wrong = s.fileKey();
        wrong[0] ^= 1;
        assertThatThrownBy(() -> Envelope.openWithFileKey(s.envelope(), wrong))
                .isInstanceOfSatisfying(SealException.class, e -> assertThat(e.problem()).isEqualTo(Problem.TAMPERED));
    }

    @Test
    void malformedEnvelopesAndBadRecipientListsAreRefusedInWords() {
        assertThatThrownBy(() -> Envelope.header("hello".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(SealException.class, e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED));
        SealKeyPair k = SealKeyPair.generate(RANDOM);
        assertThatThrownBy(() -> Envelope.seal(SECRET, Optional.empty(), List.of(), RANDOM))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("recipients");
        assertThatThrownBy(() -> Envelope.seal(SECRET, Optional.empty(), List.of(recipient(5, k), recipient(5, k)), RANDOM))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("each account once");
        Envelope.Recipient lowOrder = new Envelope.Recipient(ContractAddress.of(6), new SealPublicKey(new byte[32]));
        assertThatThrownBy(() -> Envelope.seal(SECRET, Optional.empty(), List.of(lowOrder), RANDOM))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("full order");
        byte[] env = Envelope.seal(SECRET, Optional.empty(), List.of(recipient(5, k)), RANDOM).envelope();
        byte[] cut = Arrays.copyOf(env, 40);
        assertThatThrownBy(() -> Envelope.header(cut))
                .isInstanceOfSatisfying(SealException.class, e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED));
    }

    @Test
    void aKeyDerivedFromAStarkKeyIsStableAndDistinctAndNeverPrinted() {
        StarkCrypto crypto = StarkCrypto.defaultCrypto();
        KeyPair a = KeyPair.fromPrivateKey(Felt.parse("0x2dccce1da22003777062ee0870e9881b"), crypto);
        KeyPair b = KeyPair.fromPrivateKey(Felt.parse("0x2dccce1da22003777062ee0870e9881c"), crypto);
        assertThat(SealKeyPair.derive(a).publicKey()).isEqualTo(SealKeyPair.derive(a).publicKey());
        assertThat(SealKeyPair.derive(a).publicKey()).isNotEqualTo(SealKeyPair.derive(b).publicKey());
        assertThat(SealKeyPair.derive(a).toString()).contains("(hidden)").doesNotContain("2dccce");
        SealPublicKey pk = SealKeyPair.derive(a).publicKey();
        assertThat(SealPublicKey.parse(pk.hex())).isEqualTo(pk);
        assertThatThrownBy(() -> SealPublicKey.parse("0x12")).isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("seal_key");
    }
}
