package io.smainer.escrow.local;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.ContractCall;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.local.LedgerRpcServer.AccountKind;
import io.smainer.escrow.local.LedgerRpcServer.RpcError;
import io.smainer.escrow.local.LedgerRpcServer.RpcHandler;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test instrument (smainer-sdk's test-jar): the product {@link LedgerRpcServer} with one
 * {@link LedgerRpcServer.RpcInterceptor} in front that counts calls, records the contract calls it sees, can hold
 * account calls, and can make new receipts answer "not found" for a while. Mining on demand is the server's own
 * {@link LedgerRpcServer.Builder#blocksOnDemand}.
 */
public final class TestRpcNode implements AutoCloseable {
    /** The longest an account call is held by {@link #holdAccountCalls()}. */
    public static final Duration MAX_HOLD = Duration.ofSeconds(60);

    private final LedgerRpcServer server;
    private final Probe probe;

    private TestRpcNode(LedgerRpcServer server, Probe probe) {
        this.server = server;
        this.probe = probe;
    }

    /** @return a builder; the ledger is required */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds and starts a {@link TestRpcNode}. */
    public static final class Builder {
        private final LedgerRpcServer.Builder server = LedgerRpcServer.builder();
        private int pendingPolls;

        private Builder() {
        }

        /**
         * @param ledger the chain state
         * @return this
         */
        public Builder ledger(Ledger ledger) {
            server.ledger(ledger);
            return this;
        }

        /**
         * @param crypto checks account signatures
         * @return this
         */
        public Builder crypto(StarkCrypto crypto) {
            server.crypto(crypto);
            return this;
        }

        /**
         * @param polls how many receipt or status requests for a new transaction answer "not found" first (0: none)
         * @return this
         */
        public Builder pendingPolls(int polls) {
            this.pendingPolls = polls;
            return this;
        }

        /**
         * @param autoMine true (default): a transaction runs when received; false: it waits until {@link #mine()}
         * @return this
         */
        public Builder autoMine(boolean autoMine) {
            server.blocksOnDemand(!autoMine);
            return this;
        }

        /**
         * @param port the port; default 0
         * @return this
         */
        public Builder port(int port) {
            server.port(port);
            return this;
        }

        /** @return the node, started */
        public TestRpcNode start() {
            Probe probe = new Probe(pendingPolls);
            LedgerRpcServer s = server.interceptor(probe).start();
            probe.server = s;
            return new TestRpcNode(s, probe);
        }
    }

    /**
     * A contract call the node saw: inside a received invoke, or a {@code starknet_call}.
     *
     * @param call the call
     * @param view true for {@code starknet_call}
     * @param resultFelts how many felts a view returned (-1 for invokes and failed views)
     */
    public record Observed(ContractCall call, boolean view, int resultFelts) {
    }

    /**
     * @param address the account
     * @param publicKey its key
     * @return this
     */
    public TestRpcNode addAccount(ContractAddress address, Felt publicKey) {
        server.addAccount(address, publicKey);
        return this;
    }

    /**
     * @param address the account
     * @param publicKey its key
     * @param kind which views it answers
     * @return this
     */
    public TestRpcNode addAccount(ContractAddress address, Felt publicKey, AccountKind kind) {
        server.addAccount(address, publicKey, kind);
        return this;
    }

    /**
     * @param address the account
     * @param owner its owner key
     * @param guardian its guardian key, if any
     * @return this
     */
    public TestRpcNode addArgentAccount(ContractAddress address, Felt owner, Optional<Felt> guardian) {
        server.addArgentAccount(address, owner, guardian);
        return this;
    }

    /** @return the JSON-RPC URL */
    public URI url() {
        return server.url();
    }

    /** @return the port */
    public int port() {
        return server.port();
    }

    /** @return the ledger */
    public Ledger ledger() {
        return server.ledger();
    }

    /** @return the product server inside */
    public LedgerRpcServer server() {
        return server;
    }

    /**
     * @param method e.g. {@code starknet_addInvokeTransaction}
     * @return how many times it was called
     */
    public int callCount(String method) {
        AtomicInteger n = probe.calls.get(method);
        return n == null ? 0 : n.get();
    }

    /** @return every contract call seen so far, in order */
    public List<Observed> observedCalls() {
        return List.copyOf(probe.observed);
    }

    /**
     * From now on every {@code starknet_call} to a registered account waits, unanswered, until
     * {@link #releaseAccountCalls()}, {@link #close()} or {@link #MAX_HOLD}.
     *
     * @return this
     */
    public TestRpcNode holdAccountCalls() {
        if (probe.gate == null) {
            probe.gate = new CountDownLatch(1);
        }
        return this;
    }

    /**
     * Answers the held account calls and stops holding new ones.
     *
     * @return this
     */
    public TestRpcNode releaseAccountCalls() {
        CountDownLatch gate = probe.gate;
        probe.gate = null;
        if (gate != null) {
            gate.countDown();
        }
        return this;
    }

    /** @return how many account calls were held so far */
    public int heldAccountCalls() {
        return probe.held.get();
    }

    /** @return how many transactions ran (with {@code autoMine(false)}) */
    public int mine() {
        return server.createBlock();
    }

    /** @return how many transactions wait */
    public int pendingCount() {
        return server.pendingTransactions();
    }

    @Override
    public void close() {
        releaseAccountCalls();
        server.close();
    }

    @Override
    public String toString() {
        return "TestRpcNode[" + server + "]";
    }

    /** The interceptor. */
    private static final class Probe implements LedgerRpcServer.RpcInterceptor {
        private final int pendingPolls;
        private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        private final Queue<Observed> observed = new ConcurrentLinkedQueue<>();
        private final Map<String, AtomicInteger> notYetVisible = new ConcurrentHashMap<>();
        private final AtomicInteger held = new AtomicInteger();
        private volatile CountDownLatch gate;
        private volatile LedgerRpcServer server;

        Probe(int pendingPolls) {
            this.pendingPolls = pendingPolls;
        }

        @Override
        public JsonElement intercept(String method, JsonObject params, RpcHandler next) {
            calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
            switch (method) {
                case "starknet_call" -> {
                    return view(params, next);
                }
                case "starknet_addInvokeTransaction" -> {
                    JsonElement result = next.handle(method, params);
                    Invoke.decodeExecute(RpcJson.felts(params.getAsJsonObject("invoke_transaction").getAsJsonArray("calldata")))
                            .forEach(c -> observed.add(new Observed(c, false, -1)));
                    if (pendingPolls > 0) {
                        notYetVisible.put(result.getAsJsonObject().get("transaction_hash").getAsString(),
                                new AtomicInteger(pendingPolls));
                    }
                    return result;
                }
                case "starknet_getTransactionReceipt", "starknet_getTransactionStatus" -> {
                    String hash = Felt.parse(params.get("transaction_hash").getAsString()).hex();
                    AtomicInteger wait = notYetVisible.get(hash);
                    if (wait != null && wait.getAndDecrement() > 0) {
                        throw new RpcError(29, "Transaction hash not found", null);
                    }
                    return next.handle(method, params);
                }
                default -> {
                    return next.handle(method, params);
                }
            }
        }

        private JsonElement view(JsonObject params, RpcHandler next) {
            JsonObject rq = params.getAsJsonObject("request");
            ContractCall c = new ContractCall(ContractAddress.parse(rq.get("contract_address").getAsString()),
                    Felt.parse(rq.get("entry_point_selector").getAsString()), RpcJson.felts(rq.getAsJsonArray("calldata")));
            CountDownLatch g = gate;
            if (g != null && server != null && server.isAccount(c.to())) {
                held.incrementAndGet();
                try {
                    g.await(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RpcError(-32603, "Internal error: the node is closing", null);
                }
            }
            try {
                JsonElement result = next.handle("starknet_call", params);
                observed.add(new Observed(c, true, result.getAsJsonArray().size()));
                return result;
            } catch (RuntimeException e) {
                observed.add(new Observed(c, true, -1));
                throw e;
            }
        }
    }
}
