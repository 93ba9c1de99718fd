package io.smainer.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.client.AccountSigner;
import io.smainer.client.SmainerClient;
import io.smainer.client.SubmitRefusedException;
import io.smainer.crypto.KeyPair;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.EscrowStatus;
import io.smainer.fee.Tier;
import io.smainer.job.Jobs;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.TaskStatus;
import io.smainer.testing.Await;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A demander whose account signs as a wallet does, not as one Stark key: an Argent-style account with a guardian on
 * the local network's JSON-RPC node, whose signatures are the nine-felt signer list
 * {@code [2, 0, owner, r, s, 0, guardian, r, s]}. The relayer cannot check such a signature against a key; it asks the
 * account's SNIP-6 {@code is_valid_signature} through a {@code StarknetEscrow} on that node. The task is funded by the
 * account on the ledger, run by a real provider node, settled, and read back with the same kind of signature.
 */
class WalletSignatureIT {
    private static final ContractAddress WALLET = ContractAddress.of(0xE0);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final KeyPair owner = KeyPair.generate();
    private final KeyPair guardian = KeyPair.generate();
    private LocalNetwork net;

    @BeforeEach
    void start() {
        net = LocalNetwork.builder().javaProviders(1).jsonRpc(true).build();
        net.rpcServer().orElseThrow().addArgentAccount(WALLET, owner.publicKey(), Optional.of(guardian.publicKey()));
        net.ledger().mint(WALLET, TokenAmount.parseStrk("10"));
    }

    @AfterEach
    void stop() {
        net.close();
    }

    /** Argent's signer list: {@code [count, then (0, pubkey, r, s) for the owner and the guardian]}. */
    private List<Felt> signerList(Felt hash) {
        List<Felt> out = new ArrayList<>(List.of(Felt.of(2)));
        for (KeyPair k : List.of(owner, guardian)) {
            out.add(Felt.ZERO);
            out.add(k.publicKey());
            out.addAll(net.crypto().sign(k.privateKey(), hash).toList());
        }
        return out;
    }

    private SmainerClient client(AccountSigner signer) {
        return SmainerClient.builder().relayer(net.relayerUri()).escrow(net.ledger().client(WALLET)).signer(signer)
                .crypto(net.crypto()).timeout(WAIT).build();
    }

    @Test
    void aTamperedWalletSignatureIsRefused401NamingTheSignatureAndConsumesNothing() {
        JobSpec job = Jobs.sha256Batch(List.of("tampered".getBytes(StandardCharsets.UTF_8)));
        AccountSigner tampered = hash -> {
            List<Felt> felts = signerList(hash);
            felts.set(8, Felt.of(felts.get(8).value().add(BigInteger.ONE))); // the guardian's s
            return felts;
        };
        try (SmainerClient forger = client(tampered); SmainerClient wallet = client(this::signerList)) {
            CreatedTask funded = wallet.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);

            assertThatThrownBy(() -> forger.submit(funded.escrowId(), job)).isInstanceOfSatisfying(
                    SubmitRefusedException.class, e -> {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.body().error()).isEqualTo("invalid_signature");
                        assertThat(e.body().field()).contains("signature");
                        assertThat(e.body().message()).contains("is_valid_signature returned 0x0");
                    });
            AccountSigner ownerAlone = hash -> {
                List<Felt> felts = new ArrayList<>(signerList(hash).subList(0, 5));
                felts.set(0, Felt.ONE); // a list of one signer: the guardian is missing
                return felts;
            };
            assertThatThrownBy(() -> client(ownerAlone).submit(funded.escrowId(), job)).as("the owner alone").isInstanceOfSatisfying(SubmitRefusedException.class, e -> {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.body().field()).contains("signature");
                        assertThat(e.body().message()).contains("argent/invalid-signature-length");
                    });
            // nothing was recorded: the wallet's own request for the same escrow is accepted
            assertThat(wallet.submit(funded.escrowId(), job).status()).isEqualTo(TaskStatus.PENDING);
        }
    }

    @Test
    void aWalletStyleArraySignatureSubmitsATaskThatCompletesAndSettles() throws Exception {
        JobSpec job = Jobs.sha256Batch(List.of("signed by a wallet".getBytes(StandardCharsets.UTF_8)));
        try (SmainerClient wallet = client(this::signerList)) {
            CreatedTask funded = wallet.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);

            Api.TaskCreated created = wallet.submit(funded.escrowId(), job);
            Api.TaskResult result = wallet.awaitResult(created.taskId(), WAIT);

            assertThat(Jobs.readSha256BatchOutput(job, result.result()).get(0)).isEqualTo(MessageDigest
                    .getInstance("SHA-256").digest("signed by a wallet".getBytes(StandardCharsets.UTF_8)));
            assertThat(wallet.task(created.taskId()).demander()).isEqualTo(WALLET);
            Await.until(WAIT, () -> net.ledger().client(WALLET).getTask(funded.escrowId()).orElseThrow().status() == EscrowStatus.COMPLETED,
                    () -> "escrow " + funded.escrowId() + " settled");
        }
    }

    @Test
    void aWalletSignatureFromAnAccountTheNodeDoesNotKnowIsRefusedNamingTheDemander() {
        ContractAddress stranger = ContractAddress.of(0xE1);
        net.ledger().mint(stranger, TokenAmount.parseStrk("1"));
        JobSpec job = Jobs.sha256Batch(List.of("no account".getBytes(StandardCharsets.UTF_8)));
        try (SmainerClient c = SmainerClient.builder().relayer(net.relayerUri()).escrow(net.ledger().client(stranger))
                .signer(this::signerList).crypto(net.crypto()).timeout(WAIT).build()) {
            CreatedTask funded = c.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);

            assertThatThrownBy(() -> c.submit(funded.escrowId(), job)).isInstanceOfSatisfying(SubmitRefusedException.class,
                    e -> {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.body().field()).contains("demander");
                        assertThat(e.body().message()).contains("no account contract is deployed there");
                    });
        }
    }
}
