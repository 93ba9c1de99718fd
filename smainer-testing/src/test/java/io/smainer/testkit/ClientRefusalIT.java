package io.smainer.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.TokenAmount;
import io.smainer.client.RelayerApiException;
import io.smainer.client.ResultTimeoutException;
import io.smainer.client.SmainerClient;
import io.smainer.client.SubmitRefusedException;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.fee.Tier;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.TaskStatus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the client says when the relayer refuses a funded escrow, how the money comes back, and a typed timeout. */
class ClientRefusalIT {
    @RegisterExtension
    static final LocalNetworkExtension NETWORK = LocalNetworkExtension.of(() -> LocalNetwork.builder());

    static final JobSpec NOBODY_SELLS = JobSpec.of("nobody-sells", Map.of(), new byte[] {1, 2, 3});

    @Test
    void aRefusedSubmitNamesTheFundedEscrowWhichTheClientCanCancel(LocalNetwork net, SmainerClient client) {
        TokenAmount before = net.ledger().balanceOf(LocalNetwork.DEMANDER);
        CreatedTask cheap = client.createEscrow(TokenAmount.parseStrk("0.01"), Tier.BASIC, NOBODY_SELLS); // under price.min_base
        assertThat(net.ledger().balanceOf(LocalNetwork.DEMANDER)).isEqualTo(before.minus(cheap.escrowed()));

        assertThatThrownBy(() -> client.submit(cheap.escrowId(), NOBODY_SELLS))
                .isInstanceOfSatisfying(SubmitRefusedException.class, e -> {
                    assertThat(e.escrowId()).isEqualTo(cheap.escrowId());
                    assertThat(e.status()).isEqualTo(402);
                    assertThat(e.getMessage()).contains("escrow " + cheap.escrowId() + " stays funded",
                            "cancelEscrow(" + cheap.escrowId() + ")");
                }).isInstanceOf(RelayerApiException.class);

        client.cancelEscrow(cheap.escrowId());
        assertThat(net.ledger().balanceOf(LocalNetwork.DEMANDER)).isEqualTo(before);
        assertThatThrownBy(() -> client.cancelEscrow(cheap.escrowId())).isInstanceOf(EscrowRevertedException.class);
    }

    @Test
    void awaitResultTimesOutWithATypedException(SmainerClient client) {
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.1"), Tier.BASIC, NOBODY_SELLS);
        String taskId = client.submit(funded.escrowId(), NOBODY_SELLS).taskId();
        assertThatThrownBy(() -> client.awaitResult(taskId, Duration.ofMillis(200)))
                .isInstanceOfSatisfying(ResultTimeoutException.class, e -> {
                    assertThat(e.taskId()).isEqualTo(taskId);
                    assertThat(e.status()).isEqualTo(TaskStatus.PENDING);
                    assertThat(e.waited()).isEqualTo(Duration.ofMillis(200));
                });
    }
}
