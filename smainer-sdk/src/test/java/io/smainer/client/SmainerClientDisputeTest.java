package io.smainer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.Snip12;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Ledger;
import io.smainer.job.Jobs;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.seal.Envelope;
import io.smainer.seal.SealKeyPair;
import io.smainer.seal.SealedJob;
import io.smainer.seal.SealedJobs;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SmainerClient#disputeSealedResult} against a real HTTP server on loopback that releases a sealed result
 * (sealed here as a provider would) and records what the client sends: a wrong result is disputed with both content
 * keys under the demander's SNIP-12 signature; a right one is not disputed and nothing is sent.
 */
class SmainerClientDisputeTest {
    private static final ProtocolCodec CODEC = ProtocolCodec.create();
    private static final ContractAddress DEMANDER = ContractAddress.of(0x20);
    private static final ContractAddress PROVIDER = ContractAddress.of(0x31);
    private static final JobSpec MATMUL = Jobs.matmul(2, new float[] {1, 2, 3, 4}, new float[] {5, 6, 7, 8});
    private static final float[] PRODUCT = {19, 22, 43, 50};

    private final Ledger ledger = Ledger.builder().owner(ContractAddress.of(1)).relayer(ContractAddress.of(2))
            .treasury(ContractAddress.of(3)).build();
    private final StarkCrypto crypto = StarkCrypto.defaultCrypto();
    private final SecureRandom random = new SecureRandom();
    private final KeyPair demanderKey = KeyPair.generate(random, crypto);
    private final SealKeyPair providerSeal = SealKeyPair.generate(random);
    private final List<String> disputes = new CopyOnWriteArrayList<>();
    private final AtomicReference<byte[]> released = new AtomicReference<>(new byte[0]);
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A relayer that releases {@link #released} as task t1's result and accepts any dispute of it (recording it). */
    private SmainerClient client() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/tasks/t1/result", ex -> answer(ex, 200, CODEC.toJson(new Api.TaskResult("t1",
                released.get(), Receipts.resultHash(released.get()), Felt.of(0x7)))));
        server.createContext("/api/v1/tasks/t1/dispute", ex -> {
            disputes.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            answer(ex, 202, CODEC.toJson(new Api.DisputeAccepted("t1", PROVIDER, Felt.of(0xe1))));
        });
        server.start();
        return SmainerClient.builder().relayer(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .escrow(ledger.client(DEMANDER)).keyPair(demanderKey).chainId(ChainId.LOCAL).crypto(crypto).build();
    }

    private static void answer(HttpExchange ex, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** The provider's side: opens the sealed job and seals the given product to its reply-to. */
    private byte[] sealedAnswer(SealedJob job, float[] product) {
        SealedJobs.OpenedJob opened = SealedJobs.open(job.sealed(), providerSeal);
        return SealedJobs.sealResult(Jobs.floatBytes(product), opened.replyTo(), random);
    }

    private SealedJob seal(SmainerClient client) {
        return client.seal(MATMUL, List.of(new Envelope.Recipient(PROVIDER, providerSeal.publicKey())));
    }

    @Test
    void aWrongSealedResultIsDisputedWithBothContentKeysSignedByTheDemander() throws IOException {
        SmainerClient client = client();
        SealedJob job = seal(client);
        byte[] sealedResult = sealedAnswer(job, new float[] {19, 22, 43, 51});
        released.set(sealedResult);
        assertThatThrownBy(() -> client.openResult(client.result("t1"), job))
                .isInstanceOf(SealedResultRefusedException.class).hasMessageContaining("fails its check");

        Api.DisputeAccepted accepted = client.disputeSealedResult("t1", job);

        assertThat(accepted.reasonHash()).isEqualTo(Felt.of(0xe1));
        assertThat(disputes).hasSize(1);
        Api.DisputeSealedResult sent = CODEC.fromJson(disputes.get(0), Api.DisputeSealedResult.class);
        assertThat(sent.demander()).isEqualTo(DEMANDER);
        assertThat(sent.jobKey()).isEqualTo(job.fileKey());
        // the revealed keys open what the relayer holds: the sealed job and the sealed result
        assertThat(SealedJobs.openWithFileKey(job.sealed(), sent.jobKey()).plain()).isEqualTo(MATMUL);
        assertThat(Jobs.readMatmulOutput(MATMUL, Envelope.openWithFileKey(sealedResult, sent.resultKey()).plaintext()))
                .containsExactly(19, 22, 43, 51);
        Felt hash = Snip12.disputeHash(Snip12.Domain.smainer(ChainId.LOCAL), DEMANDER, "t1", sent.jobKey(),
                sent.resultKey(), sent.expiresAt());
        assertThat(sent.signedHash(Snip12.Domain.smainer(ChainId.LOCAL), "t1")).isEqualTo(hash);
        assertThat(crypto.verify(demanderKey.publicKey(), hash, sent.signature().stark().orElseThrow())).isTrue();
        assertThat(crypto.verify(demanderKey.publicKey(), Snip12.disputeHash(Snip12.Domain.smainer(ChainId.LOCAL),
                DEMANDER, "t2", sent.jobKey(), sent.resultKey(), sent.expiresAt()), sent.signature().stark().orElseThrow()))
                .as("the signature covers the task").isFalse();
    }

    @Test
    void aRightSealedResultIsNotDisputedAndNothingIsSent() throws IOException {
        SmainerClient client = client();
        SealedJob job = seal(client);
        released.set(sealedAnswer(job, PRODUCT));

        assertThatThrownBy(() -> client.disputeSealedResult("t1", job)).isInstanceOfSatisfying(
                NothingToDisputeException.class, e -> assertThat(e.taskId()).isEqualTo("t1"))
                .hasMessageContaining("passes its check");

        assertThat(disputes).isEmpty();
    }

    @Test
    void aSealedResultThatDoesNotOpenCannotBeDisputedAndNothingIsSent() throws IOException {
        SmainerClient client = client();
        SealedJob job = seal(client);
        byte[] changed = sealedAnswer(job, new float[] {0, 0, 0, 0});
        changed[changed.length - 3] ^= 1; // changed before its hash was signed
        released.set(changed);

        assertThatThrownBy(() -> client.disputeSealedResult("t1", job)).isInstanceOf(SealedResultRefusedException.class)
                .hasMessageContaining("was changed");

        assertThat(disputes).isEmpty();
    }
}
