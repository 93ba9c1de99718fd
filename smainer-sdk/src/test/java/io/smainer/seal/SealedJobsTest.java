package io.smainer.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Snip12;
import io.smainer.crypto.StarkCrypto;
import io.smainer.protocol.JobSpec;
import io.smainer.seal.SealException.Problem;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SealedJobsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ContractAddress DEMANDER = ContractAddress.of(0xd0);
    private static final ContractAddress PROVIDER = ContractAddress.of(0xa1);

    private final SealKeyPair demander = SealKeyPair.generate(RANDOM);
    private final SealKeyPair provider = SealKeyPair.generate(RANDOM);
    private final JobSpec plain = new JobSpec("ollama-generate", Map.of("model", "llama3", "temperature", "0"),
            "tell me a secret".getBytes(StandardCharsets.UTF_8), 60_000, 0);

    private SealedJob sealed() {
        return SealedJobs.seal(plain, SealedJobs.recipient(DEMANDER, demander),
                List.of(SealedJobs.recipient(PROVIDER, provider)), RANDOM);
    }

    @Test
    void aSealedJobKeepsItsKindAndLimitsInClearAndOpensToThePlainJob() {
        SealedJob s = sealed();
        assertThat(s.sealed().kind()).isEqualTo("ollama-generate");
        assertThat(s.sealed().params()).isEqualTo(Map.of(SealedJobs.PARAM, SealedJobs.VERSION));
        assertThat(s.sealed().timeoutMillis()).isEqualTo(60_000);
        assertThat(SealedJobs.isSealed(s.sealed())).isTrue();
        assertThat(SealedJobs.isSealed(plain)).isFalse();
        assertThat(new String(s.sealed().payload(), StandardCharsets.ISO_8859_1)).doesNotContain("secret", "llama3");
        assertThat(SealedJobs.header(s.sealed()).replyTo()).contains(SealedJobs.recipient(DEMANDER, demander));

        SealedJobs.OpenedJob o = SealedJobs.open(s.sealed(), provider);
        assertThat(o.plain()).isEqualTo(plain);
        assertThat(o.replyTo()).isEqualTo(SealedJobs.recipient(DEMANDER, demander));
        assertThat(Envelope.openWithFileKey(s.sealed().payload(), s.fileKey()).plaintext())
                .isEqualTo(SealedJobs.encode(plain));

        byte[] result = SealedJobs.sealResult("42".getBytes(StandardCharsets.UTF_8), o.replyTo(), RANDOM);
        assertThat(SealedJobs.openResult(result, demander).plaintext()).isEqualTo("42".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> SealedJobs.openResult(result, provider)).isInstanceOf(SealException.class);
    }

    @Test
    void aThirdPartyGivenThePayloadsContentKeyOpensTheSealedJobAndAnyOtherKeyIsRefused() {
        SealedJob s = sealed();
        SealedJobs.OpenedJob o = SealedJobs.openWithFileKey(s.sealed(), s.fileKey());
        assertThat(o.plain()).isEqualTo(plain);
        assertThat(o.replyTo()).isEqualTo(SealedJobs.recipient(DEMANDER, demander));
        byte[] other = s.fileKey();
        other[0] ^= 1;
        assertThatThrownBy(() -> SealedJobs.openWithFileKey(s.sealed(), other))
                .isInstanceOfSatisfying(SealException.class, e -> assertThat(e.problem()).isEqualTo(Problem.TAMPERED));
        assertThatThrownBy(() -> SealedJobs.openWithFileKey(s.sealed(), new byte[15]))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("file_key");
        JobSpec otherKind = new JobSpec("echo", s.sealed().params(), s.sealed().payload(), 60_000, 0);
        assertThatThrownBy(() -> SealedJobs.openWithFileKey(otherKind, s.fileKey()))
                .isInstanceOfSatisfying(SealException.class, e -> assertThat(e.problem()).isEqualTo(Problem.TAMPERED));
    }

    @Test
    void aClearPartChangedInTransitIsRefusedByTheProvider() {
        SealedJob s = sealed();
        JobSpec otherKind = new JobSpec("echo", s.sealed().params(), s.sealed().payload(), 60_000, 0);
        assertThatThrownBy(() -> SealedJobs.open(otherKind, provider))
                .isInstanceOfSatisfying(SealException.class, e -> assertThat(e.problem()).isEqualTo(Problem.TAMPERED));
        JobSpec longer = new JobSpec("ollama-generate", s.sealed().params(), s.sealed().payload(), 600_000, 0);
        assertThatThrownBy(() -> SealedJobs.open(longer, provider))
                .isInstanceOfSatisfying(SealException.class, e -> assertThat(e.problem()).isEqualTo(Problem.TAMPERED));
    }

    @Test
    void aRelayerRefusesMalformedSealedJobsNamingTheField() {
        SealedJob s = sealed();
        JobSpec extraParam = new JobSpec("echo", Map.of(SealedJobs.PARAM, SealedJobs.VERSION, "model", "x"),
                s.sealed().payload(), 1000, 0);
        assertThatThrownBy(() -> SealedJobs.header(extraParam)).isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("job.params");
        JobSpec garbage = JobSpec.of("echo", Map.of(SealedJobs.PARAM, SealedJobs.VERSION), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> SealedJobs.header(garbage)).isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("job.payload");
        byte[] noReply = Envelope.seal(SealedJobs.encode(plain), Optional.empty(),
                List.of(SealedJobs.recipient(PROVIDER, provider)), RANDOM).envelope();
        JobSpec unanswerable = JobSpec.of("echo", Map.of(SealedJobs.PARAM, SealedJobs.VERSION), noReply);
        assertThatThrownBy(() -> SealedJobs.header(unanswerable)).isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("reply-to");
    }

    @Test
    void aSealingKeyBindingVerifiesOnlyForItsAccountAndKey() {
        StarkCrypto crypto = StarkCrypto.defaultCrypto();
        KeyPair stark = KeyPair.generate();
        Snip12.Domain domain = Snip12.Domain.smainer(ChainId.LOCAL);
        SealBinding b = SealBinding.sign(crypto, domain, PROVIDER, stark, provider);
        assertThat(b.verifies(crypto, domain, PROVIDER, stark.publicKey())).isTrue();
        assertThat(b.verifies(crypto, domain, DEMANDER, stark.publicKey())).as("another account").isFalse();
        assertThat(b.verifies(crypto, domain, PROVIDER, KeyPair.generate().publicKey())).as("another Stark key").isFalse();
        assertThat(new SealBinding(demander.publicKey(), b.signature()).verifies(crypto, domain, PROVIDER,
                stark.publicKey())).as("a relayer's key in the provider's place").isFalse();
        assertThat(b.verifies(crypto, Snip12.Domain.smainer(ChainId.SEPOLIA), PROVIDER, stark.publicKey()))
                .as("another chain").isFalse();
    }
}
