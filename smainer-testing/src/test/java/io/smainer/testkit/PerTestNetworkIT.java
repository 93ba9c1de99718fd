package io.smainer.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.TokenAmount;
import io.smainer.client.SmainerClient;
import io.smainer.escrow.CreatedTask;
import io.smainer.fee.Tier;
import io.smainer.job.Jobs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** On an instance field the extension starts a network for each test and closes it after. */
class PerTestNetworkIT {
    private static final List<LocalNetwork> SEEN = new ArrayList<>();

    @RegisterExtension
    final LocalNetworkExtension network = LocalNetworkExtension.of(
            () -> LocalNetwork.builder().demanderFunds(TokenAmount.parseStrk("5")));

    @RepeatedTest(2)
    void eachTestGetsAFreshNetwork(LocalNetwork net, SmainerClient client) {
        assertThat(net).isSameAs(network.network());
        assertThat(net.providers()).isEmpty();
        assertThat(net.ledger().balanceOf(LocalNetwork.DEMANDER)).isEqualTo(TokenAmount.parseStrk("5"));
        synchronized (SEEN) {
            SEEN.forEach(old -> assertThat(old).isNotSameAs(net));
            SEEN.add(net);
        }
        // spends from the demander's funds: the next test starts from 5 STRK again, on a new ledger
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("1"), Tier.BASIC,
                Jobs.sha256Batch(List.of(new byte[] {1})));
        assertThat(net.ledger().balanceOf(LocalNetwork.DEMANDER))
                .isEqualTo(TokenAmount.parseStrk("5").minus(funded.escrowed()));
    }

    @AfterAll
    static void bothRan() {
        assertThat(SEEN).hasSize(2);
    }
}
