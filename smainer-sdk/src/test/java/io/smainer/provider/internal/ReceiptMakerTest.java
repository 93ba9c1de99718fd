package io.smainer.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.StarkCrypto;
import io.smainer.fee.EffortPricing;
import io.smainer.fee.Tier;
import io.smainer.job.JobResult;
import io.smainer.protocol.EffortMetrics;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.Messages;
import io.smainer.protocol.SettlementMode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The signed receipts a provider makes, checked the way the contract checks them. */
class ReceiptMakerTest {
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    private static final KeyPair KEYS = KeyPair.generate(new SecureRandom(), CRYPTO);
    private static final ContractAddress ME = ContractAddress.parse("0x5ab1e");
    private final ReceiptMaker maker = new ReceiptMaker(CRYPTO, ME, KEYS, EffortPricing.BASE_PRICE);
    private final byte[] output = "out".getBytes(StandardCharsets.UTF_8);

    private static Messages.TaskAssigned task(SettlementMode mode, Optional<TokenAmount> base) {
        return new Messages.TaskAssigned(Messages.newId(), "t", U256.of(41), JobSpec.of("echo", Map.of(), new byte[0]),
                mode, TokenAmount.parseStrk("5"), Long.MAX_VALUE, base,
                base.map(b -> Tier.PRO.defaultMultiplier()));
    }

    @Test
    void aFlatReceiptSignsH1OverTheResult() {
        Messages.TaskCompleted done = maker.completion(task(SettlementMode.FLAT, Optional.empty()),
                Tier.BASIC.defaultMultiplier(), JobResult.of(output, Duration.ZERO, Duration.ofMillis(5), "cpu",
                        Optional.empty()));

        Felt h1 = Receipts.flatHash(CRYPTO, U256.of(41), ME, Receipts.resultHash(output));
        assertThat(CRYPTO.verify(KEYS.publicKey(), h1, done.signature())).isTrue();
        assertThat(done.actualCost()).isEmpty();
        assertThat(done.result()).isEqualTo(output);
    }

    @Test
    void anEffortReceiptSignsH2OverTheCostItsMetricsEarnAtTheRelayersPrice() {
        EffortMetrics m = new EffortMetrics(1000, 512, 20_000, 8);
        Messages.TaskCompleted done = maker.completion(task(SettlementMode.EFFORT, Optional.of(TokenAmount.parseStrk("0.1"))),
                Tier.PRO.defaultMultiplier(), JobResult.of(output, Duration.ZERO, Duration.ofMillis(5), "cpu",
                        Optional.of(m)));

        assertThat(done.actualCost()).contains(TokenAmount.parseStrk("1.012"));
        Felt h2 = Receipts.effortHash(CRYPTO, U256.of(41), ME, Receipts.resultHash(output), TokenAmount.parseStrk("1.012"));
        assertThat(CRYPTO.verify(KEYS.publicKey(), h2, done.signature())).isTrue();
    }

    @Test
    void aRunWithoutMetricsIsPricedByItsRunTimeAsGpuTime() {
        Messages.TaskCompleted done = maker.completion(task(SettlementMode.EFFORT, Optional.empty()),
                Tier.BASIC.defaultMultiplier(), JobResult.of(output, Duration.ZERO, Duration.ofSeconds(50), "cpu",
                        Optional.empty()));

        assertThat(done.effort()).contains(new EffortMetrics(0, 0, 50_000, 0));
        assertThat(done.actualCost()).contains(EffortPricing.actualCost(EffortPricing.BASE_PRICE,
                Tier.BASIC.defaultMultiplier(), done.effort().get().effortScore(), TokenAmount.parseStrk("5")));
    }
}
