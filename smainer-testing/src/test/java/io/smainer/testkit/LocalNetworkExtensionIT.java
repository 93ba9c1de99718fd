package io.smainer.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.TokenAmount;
import io.smainer.client.SmainerClient;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.Ledger;
import io.smainer.fee.Tier;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.provider.ProviderNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension as a user meets it: a custom handler sold on a network that one static field starts. */
class LocalNetworkExtensionIT {
    @RegisterExtension
    static final LocalNetworkExtension NETWORK = LocalNetworkExtension.of(
            () -> LocalNetwork.builder().demanders(2).provider(new TestJobContextTest.Upper()));

    static final TokenAmount PRICE = TokenAmount.parseStrk("0.1");

    @Test
    void aCustomHandlerRunsEndToEndAndThePaymentSettles(LocalNetwork net, Ledger ledger) {
        assertThat(net).isSameAs(NETWORK.network());
        assertThat(ledger).isSameAs(net.ledger());
        ProviderNode provider = net.providers().get(0);
        TokenAmount before = ledger.balanceOf(provider.address());

        Api.TaskResult result = net.run(TestJobContextTest.upper("hello, network"), PRICE);

        assertThat(new String(result.result(), StandardCharsets.UTF_8)).isEqualTo("HELLO, NETWORK");
        // 88% of the base price to the provider, once settled (the result is released only after settlement)
        assertThat(ledger.balanceOf(provider.address()).baseUnits().subtract(before.baseUnits()))
                .isEqualTo(PRICE.baseUnits().multiply(BigInteger.valueOf(88)).divide(BigInteger.valueOf(100)));
    }

    @Test
    void eachDemanderIsFundedAndKnownToTheRelayer(LocalNetwork net, SmainerClient first) {
        assertThat(net.demanders()).hasSize(2);
        net.demanders().forEach(d -> assertThat(net.ledger().balanceOf(d.address()).baseUnits())
                .isGreaterThan(BigInteger.ZERO));
        JobSpec job = TestJobContextTest.upper("second");
        SmainerClient second = net.client(1);
        CreatedTask funded = second.createEscrow(PRICE, Tier.BASIC, job);
        String taskId = second.submit(funded.escrowId(), job).taskId();
        assertThat(new String(second.awaitResult(taskId, LocalNetwork.DEFAULT_WAIT).result(), StandardCharsets.UTF_8))
                .isEqualTo("SECOND");
        assertThat(first).isNotSameAs(second);
        assertThatThrownBy(() -> net.client(2)).hasMessageContaining("demander: expected 0 to 1, got 2");
    }

    @Test
    void awaitLoginSeesALateProvider(LocalNetwork net) {
        ProviderNode node = net.startProvider(new TestJobContextTest.Upper());
        assertThat(node.status().state()).isEqualTo(ProviderNode.State.READY);
        assertThat(net.providers()).contains(node);
    }
}
