package io.smainer.relayer.it;

import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Receipts;
import io.smainer.crypto.Signature;
import io.smainer.crypto.Snip12;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.Escrow;
import io.smainer.escrow.EscrowTask;
import io.smainer.fee.EffortPricing;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.Jobs;
import io.smainer.protocol.EffortMetrics;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.Message;
import io.smainer.protocol.Messages;
import io.smainer.protocol.NodeCapabilities;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.protocol.SettlementMode;
import io.smainer.seal.SealBinding;
import io.smainer.seal.SealKeyPair;
import io.smainer.seal.SealedJobs;
import java.net.URI;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A provider for tests, over a real WebSocket (Jetty's client) with real Stark signatures: logs in by
 * the challenge, runs {@code echo} jobs (the result is the payload) and signs receipts h1 or h2. What it
 * does with each task is up to its {@link Behaviour}.
 */
public final class TestProvider implements AutoCloseable {
    private static final ProtocolCodec CODEC = ProtocolCodec.create();

    /** What to do with an assigned task. */
    public enum Behaviour {
        /** Run it and send a valid completion. */
        HONEST,
        /** Send a completion whose receipt is signed with the wrong key. */
        BAD_RECEIPT,
        /** Report a retryable failure. */
        FAIL,
        /** Accept it and never answer. */
        SILENT,
        /** Run it with the SDK's Java runner (the built-in kinds) and send a valid completion. */
        RUN,
        /** A sealed task: open it, run it with the Java runner, seal the result to the demander, sign the receipt. */
        RUN_SEALED,
        /**
         * A sealed task: open it, run it with the Java runner, seal the result to the demander, then change one byte of
         * the ciphertext and sign a valid receipt over the changed bytes (what a dishonest provider can do).
         */
        TAMPER_SEALED,
        /**
         * A sealed {@code matmul-f32} task: open it, run it, add 1000 to the product's first element, seal that to the
         * demander and sign a valid receipt over it (a wrong result only the demander can see).
         */
        WRONG_SEALED
    }

    final ContractAddress address;
    final KeyPair key;
    private final ChainId chainId;
    private final NodeCapabilities caps;
    private final Escrow chain;
    private final StarkCrypto crypto;
    volatile Function<Messages.TaskAssigned, Behaviour> behaviour;
    final List<Messages.TaskAssigned> assigned = new CopyOnWriteArrayList<>();
    final List<Message> received = new CopyOnWriteArrayList<>();
    final Map<String, String> acked = new ConcurrentHashMap<>();
    final CompletableFuture<Messages.Ack> login = new CompletableFuture<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile Session session;
    private volatile boolean sendOnChallenge = true;
    /** Its sealing key, derived from its Stark key and published (signed) in its login. */
    final SealKeyPair sealKeys;

    TestProvider(ContractAddress address, KeyPair key, ChainId chainId, NodeCapabilities caps, Escrow chain,
            StarkCrypto crypto, Behaviour behaviour) {
        this.address = address;
        this.key = key;
        this.chainId = chainId;
        this.caps = caps;
        this.chain = chain;
        this.crypto = crypto;
        this.behaviour = t -> behaviour;
        this.sealKeys = SealKeyPair.derive(key);
    }

    TestProvider connect(WebSocketClient client, URI ws) throws Exception {
        session = client.connect(new Listener(), ws).get(10, TimeUnit.SECONDS);
        return this;
    }

    /** Connects without logging in: the test drives the conversation with {@link #sendRaw}. */
    TestProvider connectQuiet(WebSocketClient client, URI ws) throws Exception {
        sendOnChallenge = false;
        return connect(client, ws);
    }

    Messages.Ack awaitLogin() throws Exception {
        return login.get(10, TimeUnit.SECONDS);
    }

    void sendRaw(String text) {
        session.sendText(text, Callback.NOOP);
    }

    void send(Message m) {
        sendRaw(CODEC.encode(m));
    }

    Optional<Messages.Challenge> challenge() {
        return received.stream().filter(m -> m instanceof Messages.Challenge).map(m -> (Messages.Challenge) m).findFirst();
    }

    Messages.NodeRegister register(Messages.Challenge c, KeyPair signer) {
        Snip12.Domain domain = Snip12.Domain.smainer(chainId);
        Felt hash = Snip12.loginHash(domain, address, c.nonce(), c.expiresAt());
        return new Messages.NodeRegister(Messages.newId(), address, c.nonce(), c.expiresAt(),
                crypto.sign(signer.privateKey(), hash), caps.withSeal(SealBinding.sign(crypto, domain, address, key,
                        sealKeys)));
    }

    Messages.TaskCompleted completion(Messages.TaskAssigned t, byte[] result, KeyPair signer) {
        Felt resultHash = Receipts.resultHash(result);
        if (t.settlement() == SettlementMode.FLAT) {
            Signature sig = crypto.sign(signer.privateKey(), Receipts.flatHash(crypto, t.escrowId(), address, resultHash));
            return new Messages.TaskCompleted(Messages.newId(), t.taskId(), result, resultHash, sig, Optional.empty(),
                    Optional.empty());
        }
        EffortMetrics metrics = new EffortMetrics(result.length * 3L, result.length * 7L, 1_500, 7);
        EscrowTask onChain = chain.getTask(t.escrowId()).orElseThrow();
        TokenAmount cost = EffortPricing.actualCost(EffortPricing.BASE_PRICE, onChain.tierMultiplier(),
                metrics.effortScore(), t.escrowAmount());
        Signature sig = crypto.sign(signer.privateKey(), Receipts.effortHash(crypto, t.escrowId(), address, resultHash, cost));
        return new Messages.TaskCompleted(Messages.newId(), t.taskId(), result, resultHash, sig, Optional.of(metrics),
                Optional.of(cost));
    }

    private static byte[] run(JobSpec job) {
        try (JavaJobRunner runner = JavaJobRunner.create()) {
            return runner.submit(job).get(30, TimeUnit.SECONDS).output();
        } catch (Exception e) {
            throw new IllegalStateException("the Java runner failed on " + job.kind(), e);
        }
    }

    boolean isOpen() {
        Session s = session;
        return s != null && s.isOpen();
    }

    @Override
    public void close() {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close();
        }
    }

    public final class Listener extends Session.Listener.AbstractAutoDemanding {
        @Override
        public void onWebSocketOpen(Session s) {
            super.onWebSocketOpen(s);
            session = s;
        }

        @Override
        public void onWebSocketText(String text) {
            Message m = CODEC.decode(text);
            received.add(m);
            if (m instanceof Messages.Challenge c && sendOnChallenge) {
                send(register(c, key));
            } else if (m instanceof Messages.Ack a) {
                if (!a.nodeId().isEmpty()) {
                    login.complete(a);
                } else {
                    acked.put(a.refId(), a.id());
                }
            } else if (m instanceof Messages.ErrorMessage e && !login.isDone()) {
                login.completeExceptionally(new IllegalStateException(e.code() + ": " + e.message()));
            } else if (m instanceof Messages.TaskAssigned t) {
                assigned.add(t);
                handle(t);
            } else if (m instanceof Messages.Ping p) {
                send(new Messages.Pong(Messages.newId(), p.id()));
            }
        }

        private void handle(Messages.TaskAssigned t) {
            send(new Messages.TaskAccepted(Messages.newId(), t.taskId()));
            switch (behaviour.apply(t)) {
                case HONEST -> send(completion(t, t.job().payload(), key));
                case BAD_RECEIPT -> send(completion(t, t.job().payload(), KeyPair.generate(new SecureRandom(),
                        crypto)));
                case FAIL -> send(new Messages.TaskFailed(Messages.newId(), t.taskId(), "simulated failure", true));
                case SILENT -> {
                }
                case RUN -> send(completion(t, run(t.job()), key));
                case RUN_SEALED -> {
                    SealedJobs.OpenedJob opened = SealedJobs.open(t.job(), sealKeys);
                    send(completion(t, SealedJobs.sealResult(run(opened.plain()), opened.replyTo(), new SecureRandom()),
                            key));
                }
                case TAMPER_SEALED -> {
                    SealedJobs.OpenedJob opened = SealedJobs.open(t.job(), sealKeys);
                    byte[] sealed = SealedJobs.sealResult(run(opened.plain()), opened.replyTo(), new SecureRandom());
                    sealed[sealed.length - 20] ^= 1; // in the ciphertext: the receipt is signed over these bytes
                    send(completion(t, sealed, key));
                }
                case WRONG_SEALED -> {
                    SealedJobs.OpenedJob opened = SealedJobs.open(t.job(), sealKeys);
                    float[] c = Jobs.readMatmulOutput(opened.plain(), run(opened.plain()));
                    c[0] += 1000;
                    send(completion(t, SealedJobs.sealResult(Jobs.floatBytes(c), opened.replyTo(), new SecureRandom()),
                            key));
                }
            }
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            closed.complete(statusCode);
        }
    }
}
